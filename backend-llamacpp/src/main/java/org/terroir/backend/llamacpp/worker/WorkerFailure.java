package org.terroir.backend.llamacpp.worker;

import java.util.List;

/** A failure the worker reports by a text code (see Message.Failed); the platform words it. */
final class WorkerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final List<String> args;

    WorkerFailure(String code, String... args) {
        super(code + " " + String.join(" ", args));
        this.code = code;
        this.args = List.of(args);
    }

    String code() {
        return code;
    }

    List<String> args() {
        return args;
    }
}

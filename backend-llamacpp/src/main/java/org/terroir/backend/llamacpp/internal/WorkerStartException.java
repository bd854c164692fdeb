package org.terroir.backend.llamacpp.internal;

import java.util.OptionalInt;

/** A worker process did not come up: it died, did not call back in time, or could not be started. */
final class WorkerStartException extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind { DIED, TIMEOUT, NOT_STARTED }

    private final Kind kind;
    private final transient OptionalInt exitCode;

    WorkerStartException(Kind kind, OptionalInt exitCode, String detail, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.exitCode = exitCode;
    }

    Kind kind() {
        return kind;
    }

    OptionalInt exitCode() {
        return exitCode;
    }
}

package org.terroir.backend.llamacpp.internal;

import java.util.OptionalInt;

/**
 * How a worker process ended.
 *
 * @param requested whether the platform asked it to end (unload, backend stopping)
 * @param exitCode  its exit status, when it did exit
 * @param log       its last log lines
 */
record WorkerEnd(boolean requested, OptionalInt exitCode, String log) {

    /** The exit code as people read it: a number, or "?" when the process could not be waited for. */
    String exitCodeText() {
        return exitCode.isPresent() ? String.valueOf(exitCode.getAsInt()) : "?";
    }
}

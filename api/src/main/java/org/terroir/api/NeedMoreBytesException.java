package org.terroir.api;

/**
 * The first bytes given of a model file end before what must be read of it (a GGUF header, metadata and tensor
 * table). Fetch at least {@link #bytesNeeded()} bytes from the start of the file and try again: a longer prefix
 * may reveal that still more is needed, so callers loop, with a cap of their own.
 */
public class NeedMoreBytesException extends InvalidModelException {
    private static final long serialVersionUID = 1L;

    private final long bytesNeeded;

    public NeedMoreBytesException(String code, String message, long bytesNeeded) {
        super(code, message);
        this.bytesNeeded = bytesNeeded;
    }

    public NeedMoreBytesException(String code, String message, long bytesNeeded, Throwable cause) {
        super(code, message, cause);
        this.bytesNeeded = bytesNeeded;
    }

    /** A prefix length, counted from the start of the file, to fetch before the next try. */
    public long bytesNeeded() {
        return bytesNeeded;
    }
}

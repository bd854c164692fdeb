package org.terroir.gguf;

import org.terroir.api.InvalidModelException;

/**
 * The prefix given to {@link GgufReader#read(java.nio.ByteBuffer, long, String)} ends before the header,
 * metadata and tensor table do. Fetch at least {@link #bytesNeeded()} bytes from the start of the file and try
 * again (the next try may ask for more, as a longer prefix reveals more of the header).
 */
public class GgufNeedMoreBytesException extends InvalidModelException {
    private static final long serialVersionUID = 1L;
    /** The code of this exception. */
    public static final String CODE = "gguf.prefix";

    private final long bytesNeeded;

    public GgufNeedMoreBytesException(String message, long bytesNeeded) {
        super(CODE, message);
        this.bytesNeeded = bytesNeeded;
    }

    /**
     * A prefix length, counted from the start of the file, to fetch before the next try: at least what is known to
     * be missing, and at least twice the prefix given (up to the file size), so that a caller that loops gets
     * there in a few tries.
     */
    public long bytesNeeded() {
        return bytesNeeded;
    }
}

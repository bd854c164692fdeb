package org.terroir.gguf.internal;

/**
 * Thrown by {@link Input} when a read goes past what it holds; the parser turns it into a truncation error
 * (past the end of the file) or a request for a longer prefix (past the end of the bytes given).
 */
final class OutOfInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final long position;
    final long needed;
    final boolean prefixOnly;

    OutOfInput(long position, long needed, boolean prefixOnly) {
        super(null, null, false, false);
        this.position = position;
        this.needed = needed;
        this.prefixOnly = prefixOnly;
    }
}

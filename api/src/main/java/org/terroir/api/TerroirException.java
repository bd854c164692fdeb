package org.terroir.api;

/**
 * A failure a user can act on. The message is already in the user's language; {@link #code()} is a stable,
 * language-independent identifier (for example {@code gguf.truncated}) that programs and tests match on.
 */
public class TerroirException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public TerroirException(String code, String message) {
        this(code, message, null);
    }

    public TerroirException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /**
     * Just the message: the Gogo shell prints {@code toString()} of a failed command, and people should read
     * what went wrong and what to do, not a Java class name.
     */
    @Override
    public String toString() {
        return getMessage();
    }
}

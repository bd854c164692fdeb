package org.terroir.api;

/**
 * A failure a user can act on. The message is already in the user's language; {@link #code()} is a stable,
 * language-independent identifier (for example {@code gguf.truncated}) that tests and logs name; {@link #kind()}
 * is the typed contract front ends act on (status code, advice), never the code's text.
 */
public class TerroirException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final ErrorKind kind;

    /** A failure of kind {@link ErrorKind#INTERNAL}; prefer the constructor that names the kind. */
    public TerroirException(String code, String message) {
        this(ErrorKind.INTERNAL, code, message, null);
    }

    /** A failure of kind {@link ErrorKind#INTERNAL}; prefer the constructor that names the kind. */
    public TerroirException(String code, String message, Throwable cause) {
        this(ErrorKind.INTERNAL, code, message, cause);
    }

    public TerroirException(ErrorKind kind, String code, String message) {
        this(kind, code, message, null);
    }

    public TerroirException(ErrorKind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind == null ? ErrorKind.INTERNAL : kind;
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** What kind of failure this is; front ends decide status codes and advice from it alone. */
    public ErrorKind kind() {
        return kind;
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

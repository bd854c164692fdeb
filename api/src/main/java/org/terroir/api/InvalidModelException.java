package org.terroir.api;

/** A model file or folder that is damaged, truncated or not what it claims to be. Nothing native saw it. */
public class InvalidModelException extends TerroirException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String code, String message) {
        super(ErrorKind.INVALID_MODEL, code, message, null);
    }

    public InvalidModelException(String code, String message, Throwable cause) {
        super(ErrorKind.INVALID_MODEL, code, message, cause);
    }

    public InvalidModelException(ErrorKind kind, String code, String message) {
        super(kind, code, message, null);
    }

    public InvalidModelException(ErrorKind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}

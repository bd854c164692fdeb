package org.terroir.api;

/** A model file or folder that is damaged, truncated or not what it claims to be. Nothing native saw it. */
public class InvalidModelException extends TerroirException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String code, String message) {
        super(code, message);
    }

    public InvalidModelException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}

package org.terroir.api.inference;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/** A model could not be loaded; the message says why and what to do. */
public class ModelLoadException extends TerroirException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String code, String message) {
        super(ErrorKind.INVALID_MODEL, code, message, null);
    }

    public ModelLoadException(String code, String message, Throwable cause) {
        super(ErrorKind.INVALID_MODEL, code, message, cause);
    }

    public ModelLoadException(ErrorKind kind, String code, String message) {
        super(kind, code, message, null);
    }

    public ModelLoadException(ErrorKind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}

package org.terroir.api.inference;

import org.terroir.api.TerroirException;

/** A model could not be loaded; the message says why and what to do. */
public class ModelLoadException extends TerroirException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String code, String message) {
        super(code, message);
    }

    public ModelLoadException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}

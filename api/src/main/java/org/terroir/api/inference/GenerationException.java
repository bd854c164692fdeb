package org.terroir.api.inference;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/** A generation failed; the message says why (and, for a crashed worker, shows its last log lines). */
public class GenerationException extends TerroirException {
    private static final long serialVersionUID = 1L;

    public GenerationException(String code, String message) {
        super(ErrorKind.INTERNAL, code, message, null);
    }

    public GenerationException(String code, String message, Throwable cause) {
        super(ErrorKind.INTERNAL, code, message, cause);
    }

    public GenerationException(ErrorKind kind, String code, String message) {
        super(kind, code, message, null);
    }

    public GenerationException(ErrorKind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}

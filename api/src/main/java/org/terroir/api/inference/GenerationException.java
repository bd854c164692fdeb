package org.terroir.api.inference;

import org.terroir.api.TerroirException;

/** A generation failed; the message says why (and, for a crashed worker, shows its last log lines). */
public class GenerationException extends TerroirException {
    private static final long serialVersionUID = 1L;

    public GenerationException(String code, String message) {
        super(code, message);
    }

    public GenerationException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}

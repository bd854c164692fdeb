package org.terroir.api.documents;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/**
 * A document could not be read or indexed. Codes: {@code documents.unsupported}, {@code documents.unreadable},
 * {@code documents.no.text} (a scanned PDF), {@code documents.too.large}, {@code documents.not.found},
 * {@code documents.no.embedder}, {@code documents.store}.
 */
public class DocumentException extends TerroirException {
    private static final long serialVersionUID = 1L;

    public DocumentException(ErrorKind kind, String code, String message) {
        super(kind, code, message);
    }

    public DocumentException(ErrorKind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}

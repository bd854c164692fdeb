package org.terroir.documents.internal;

import java.util.Locale;

import org.terroir.api.ErrorKind;
import org.terroir.api.documents.DocumentException;
import org.terroir.api.i18n.Texts;

/** The documents bundle's user-facing texts (messages.properties, messages_fr.properties). */
final class Messages {
    static final Texts TEXTS = Texts.of("org.terroir.documents.internal.messages", Messages.class);

    private Messages() {
    }

    /** Always through {@link java.text.MessageFormat}, so that French elisions ({@code l''index}) read right. */
    static String get(String key, Object... args) {
        return TEXTS.get(Texts.locale(), key, args.length == 0 ? new Object[] {""} : args);
    }

    static String get(Locale locale, String key, Object... args) {
        return TEXTS.get(locale, key, args.length == 0 ? new Object[] {""} : args);
    }

    /** A {@link DocumentException} whose code is the message key. */
    static DocumentException error(ErrorKind kind, String code, Object... args) {
        return new DocumentException(kind, code, get(code, args));
    }

    static DocumentException error(ErrorKind kind, String code, Throwable cause, Object... args) {
        return new DocumentException(kind, code, get(code, args), cause);
    }
}

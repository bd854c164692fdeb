package org.terroir.hardware.internal;

import java.util.Locale;

import org.terroir.api.i18n.Texts;

/** The hardware bundle's texts (messages.properties / messages_fr.properties beside this class). */
final class Messages {
    static final Texts TEXTS = Texts.of("org.terroir.hardware.internal.messages", Messages.class);

    private Messages() {
    }

    static String get(String key, Object... args) {
        return TEXTS.get(key, args);
    }

    static String get(Locale locale, String key, Object... args) {
        return TEXTS.get(locale, key, args);
    }
}

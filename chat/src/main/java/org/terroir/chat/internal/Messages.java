package org.terroir.chat.internal;

import org.terroir.api.i18n.Texts;

/** The chat bundle's user-facing texts. */
final class Messages {
    static final Texts TEXTS = Texts.of("org.terroir.chat.internal.messages", Messages.class);

    private Messages() {
    }

    static String get(String key, Object... args) {
        return TEXTS.get(key, args);
    }
}

package org.terroir.backend.llamacpp.internal;

import org.terroir.api.i18n.Texts;

/** This bundle's user-facing texts (messages.properties, messages_fr.properties). */
final class Messages {
    static final Texts TEXTS = Texts.of("org.terroir.backend.llamacpp.internal.messages", Messages.class);

    private Messages() {
    }

    static String get(String key, Object... args) {
        return TEXTS.get(key, args);
    }
}

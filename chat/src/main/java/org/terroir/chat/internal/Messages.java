package org.terroir.chat.internal;

import org.terroir.api.i18n.Texts;

/** The chat bundle's user-facing texts. */
final class Messages {
    static final Texts TEXTS = Texts.of("org.terroir.chat.internal.messages", Messages.class);

    private Messages() {
    }

    static String get(String key, Object... args) {
        return text(TEXTS, Texts.locale(), key, args);
    }

    /**
     * The text, always through {@link java.text.MessageFormat}: {@link Texts#get} returns a pattern without
     * arguments as it is, which would show the doubled quotes of French elisions ({@code l''historique}).
     */
    static String text(Texts texts, java.util.Locale locale, String key, Object... args) {
        return texts.get(locale, key, args.length == 0 ? new Object[] {""} : args);
    }
}

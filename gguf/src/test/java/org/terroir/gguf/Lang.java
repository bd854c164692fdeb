package org.terroir.gguf;

import java.util.function.Supplier;

import org.terroir.api.i18n.Texts;

/** Runs a piece of code with the user's language set to one language. */
final class Lang {
    private Lang() {
    }

    static <T> T with(String lang, Supplier<T> action) {
        String before = System.getProperty(Texts.LANG_PROPERTY);
        System.setProperty(Texts.LANG_PROPERTY, lang);
        try {
            return action.get();
        } finally {
            if (before == null) {
                System.clearProperty(Texts.LANG_PROPERTY);
            } else {
                System.setProperty(Texts.LANG_PROPERTY, before);
            }
        }
    }
}

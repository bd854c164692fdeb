package org.terroir.launcher;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The launcher's own texts ({@code messages.properties}, {@code messages_fr.properties} next to this class), in the
 * language api's {@code Texts} picks: {@code terroir.lang}, then {@code TERROIR_LANG}, then the system language;
 * French or English. The launcher runs outside the framework and cannot use the api bundle, so the rule is repeated.
 */
final class Messages {
    private Messages() {
    }

    /** The language named by --lang, for the launcher's own texts (the bundles get it as a framework property). */
    private static volatile String chosen;

    static void choose(String lang) {
        chosen = lang;
    }

    static Locale locale() {
        String lang = chosen != null ? chosen : System.getProperty("terroir.lang");
        if (lang == null || lang.isBlank()) {
            lang = System.getenv("TERROIR_LANG");
        }
        if (lang == null || lang.isBlank()) {
            lang = Locale.getDefault().getLanguage();
        }
        return lang.toLowerCase(Locale.ROOT).startsWith("fr") ? Locale.FRENCH : Locale.ENGLISH;
    }

    static String get(String key, Object... args) {
        return get(locale(), key, args);
    }

    static String get(Locale locale, String key, Object... args) {
        String pattern;
        try {
            pattern = ResourceBundle.getBundle("org.terroir.launcher.messages", locale, Messages.class.getClassLoader(),
                    ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)).getString(key);
        } catch (MissingResourceException e) {
            return key + (args.length == 0 ? "" : " " + java.util.Arrays.toString(args));
        }
        return new MessageFormat(pattern, locale).format(args);
    }
}

package org.terroir.catalog.internal;

import java.util.Locale;

import org.terroir.api.TerroirException;
import org.terroir.api.i18n.Texts;

/** The catalog bundle's texts (messages.properties / messages_fr.properties beside this class). */
public final class Msg {
    public static final Texts TEXTS = Texts.of("org.terroir.catalog.internal.messages", Msg.class);

    private Msg() {
    }

    public static String text(String key, Object... args) {
        return TEXTS.get(key, args);
    }

    /** A TerroirException whose code is {@code key} and whose message is the text of {@code key}. */
    public static TerroirException error(String key, Object... args) {
        return new TerroirException(key, TEXTS.get(key, args));
    }

    public static TerroirException error(Throwable cause, String key, Object... args) {
        return new TerroirException(key, TEXTS.get(key, args), cause);
    }

    /** Sizes as people read them: 1.2 GB, 340 MB (decimal units, like the Hub shows them). */
    public static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Texts.locale(), v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static Locale locale() {
        return Texts.locale();
    }
}

package org.terroir.gguf.internal;

import java.util.Locale;

import org.terroir.api.InvalidModelException;
import org.terroir.api.i18n.Texts;
import org.terroir.gguf.GgufNeedMoreBytesException;

/** The reader's user-facing texts, in English and French. */
public final class Messages {
    public static final String BASE_NAME = "org.terroir.gguf.messages";
    private static final Texts TEXTS = Texts.of(BASE_NAME, Messages.class);

    private Messages() {
    }

    /** The texts, for tests that compare both languages. */
    public static Texts texts() {
        return TEXTS;
    }

    /** A size shown the way people read it ("1.2 GB", "1,2 Go"). */
    public record Size(long bytes) {
    }

    /** A text that goes into another text, translated at the same time as it. */
    public record Phrase(String key, Object... args) {
    }

    static InvalidModelException invalid(String source, String code, String key, Object... args) {
        return invalid(null, source, code, key, args);
    }

    static InvalidModelException invalid(Throwable cause, String source, String code, String key, Object... args) {
        Locale locale = Texts.locale();
        // A file that is not there is NOT_FOUND (the front ends answer 404); every other refusal is INVALID_MODEL.
        org.terroir.api.ErrorKind kind = "io.missing".equals(key) ? org.terroir.api.ErrorKind.NOT_FOUND
                : org.terroir.api.ErrorKind.INVALID_MODEL;
        return new InvalidModelException(kind, code, withSource(locale, source, text(locale, key, args)), cause);
    }

    static GgufNeedMoreBytesException needMore(String source, long bytesNeeded, String key, Object... args) {
        Locale locale = Texts.locale();
        return new GgufNeedMoreBytesException(withSource(locale, source, text(locale, key, args)), bytesNeeded);
    }

    private static String withSource(Locale locale, String source, String detail) {
        return TEXTS.get(locale, "error", source, detail);
    }

    static String text(Locale locale, String key, Object... args) {
        Object[] shown = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            shown[i] = show(locale, args[i]);
        }
        // Texts hands back a pattern without arguments untouched, doubled quotes included; an unused argument
        // makes every text go through MessageFormat, so "l''octet" always reads "l'octet".
        return TEXTS.get(locale, key, shown.length == 0 ? new Object[] {""} : shown);
    }

    private static Object show(Locale locale, Object arg) {
        if (arg instanceof Size s) {
            return human(locale, s.bytes());
        }
        if (arg instanceof Phrase p) {
            return text(locale, p.key(), p.args());
        }
        if (arg instanceof String s) {
            return printable(s);
        }
        if (arg instanceof Number n) {
            // Offsets and counts stay plain digits: they are searched for and compared, not read aloud.
            return n.toString();
        }
        return arg;
    }

    /** Longest piece of file content quoted in a message. */
    static final int MAX_QUOTED = 200;

    /**
     * Text from the file made safe to show: control characters escaped (a key or token may hold a newline or
     * a terminal escape sequence), and cut short (a token may be megabytes long).
     */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 8);
        int i = 0;
        for (; i < s.length() && out.length() < MAX_QUOTED; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < s.length() ? out + "…" : out.toString();
    }

    /** Decimal units, one decimal place: 999 B, 1.2 KB, 3.4 GB. */
    static String human(Locale locale, long bytes) {
        String[] units = {"unit.B", "unit.KB", "unit.MB", "unit.GB", "unit.TB", "unit.PB", "unit.EB"};
        if (bytes < 1000) {
            return TEXTS.get(locale, units[0], Long.toString(bytes));
        }
        double value = bytes;
        int unit = 0;
        while (value >= 999.95 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return TEXTS.get(locale, units[unit], String.format(locale, "%.1f", value));
    }
}

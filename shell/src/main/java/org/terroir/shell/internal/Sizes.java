package org.terroir.shell.internal;

import java.util.Locale;

/** Byte counts as people read them. */
public final class Sizes {
    private Sizes() {
    }

    /**
     * {@code 1536} → {@code 1.54 KB}; decimal units, as disks and the Hub count, in the shell's language: French
     * writes octets ({@code 1,54 Ko}, {@code 4,07 Go}) with a decimal comma, English bytes with a point.
     */
    public static String human(long bytes) {
        return human(bytes, org.terroir.api.i18n.Texts.locale());
    }

    /** {@link #human(long)} in the given language. */
    public static String human(long bytes, Locale locale) {
        boolean french = "fr".equals(locale.getLanguage());
        if (bytes < 1000) {
            return bytes + (french ? " o" : " B");
        }
        String[] units = french ? new String[] {"Ko", "Mo", "Go", "To", "Po"}
                : new String[] {"KB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(french ? Locale.FRENCH : Locale.ENGLISH,
                value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    /** {@code 1_234_567_890} parameters → {@code 1.23B}. */
    public static String count(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        String[] units = {"K", "M", "B", "T"};
        double value = n;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f%s" : value < 100 ? "%.1f%s" : "%.0f%s", value,
                units[unit]);
    }
}

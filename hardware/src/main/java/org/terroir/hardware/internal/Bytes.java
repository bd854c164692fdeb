package org.terroir.hardware.internal;

import java.util.Locale;

/** Human-readable byte counts in binary units, as people compare them with what their OS shows. */
public final class Bytes {
    private Bytes() {
    }

    public static String format(long bytes) {
        return format(bytes, org.terroir.api.i18n.Texts.locale());
    }

    /** In {@code locale}'s number format (a decimal comma in French). */
    public static String format(long bytes, Locale locale) {
        if (bytes < 0) {
            return "?";
        }
        double v = bytes;
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(locale, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}

package org.terroir.shell.internal;

import java.util.Locale;

/** Byte counts as people read them. */
public final class Sizes {
    private Sizes() {
    }

    /** {@code 1536} → {@code 1.5 KB}; decimal units, as disks and the Hub count. */
    public static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s", value,
                units[unit]);
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

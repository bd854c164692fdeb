package org.terroir.api.hardware;

import java.util.Objects;

/**
 * A measured number and where it came from.
 *
 * @param value  the number (bytes for memory and disk, a count for cores); -1 when unknown
 * @param source where it came from
 */
public record Figure(long value, Source source) {
    public Figure {
        Objects.requireNonNull(source, "source");
    }

    public static Figure unknown() {
        return new Figure(-1, Source.UNKNOWN);
    }

    public boolean known() {
        return value >= 0 && source != Source.UNKNOWN;
    }
}

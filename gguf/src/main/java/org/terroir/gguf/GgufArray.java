package org.terroir.gguf;

import java.util.List;
import java.util.Objects;

/**
 * An array metadata value. Elements follow the same mapping as scalar values: {@link String}, {@link Long} for
 * every integer type, {@link Double} for both float types, {@link Boolean}. Arrays of arrays do not exist
 * (llama.cpp refuses them, so the reader does too).
 */
public record GgufArray(GgufValueType elementType, List<Object> values) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
    }

    public int size() {
        return values.size();
    }

    /** Element {@code i} as a string (for arrays of {@link GgufValueType#STRING}). */
    public String string(int i) {
        return (String) values.get(i);
    }

    /** Element {@code i} as a long (for arrays of an integer type). */
    public long integer(int i) {
        return (Long) values.get(i);
    }

    /** The type, the size and the first few elements: arrays can hold 150k tokens. */
    @Override
    public String toString() {
        int shown = Math.min(values.size(), 8);
        return elementType + "[" + values.size() + "]" + values.subList(0, shown)
                + (shown < values.size() ? "..." : "");
    }

    /** Element {@code i} as a double (for arrays of a numeric type). */
    public double number(int i) {
        return ((Number) values.get(i)).doubleValue();
    }
}

package org.terroir.testkit.gguf;

import java.util.List;
import java.util.Objects;

/**
 * A metadata array: one element type and its values (Java types as for {@link GgufWriter#put}; nested arrays are
 * {@code GgufArray} elements with type ARRAY).
 */
public record GgufArray(GgufValueType elementType, List<?> values) {
    public GgufArray {
        Objects.requireNonNull(elementType);
        values = List.copyOf(values);
    }
}

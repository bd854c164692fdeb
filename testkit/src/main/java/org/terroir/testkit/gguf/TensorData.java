package org.terroir.testkit.gguf;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * The values of a tensor, produced one row (ne[0] values) at a time so that the writer never holds a whole model
 * in memory. Row {@code r} is the r-th run of ne[0] contiguous values (for a 2-D tensor: index r along ne[1]).
 */
@FunctionalInterface
public interface TensorData {

    /** Fills {@code row} with the values of row number {@code index}. */
    void fillRow(long index, float[] row);

    /** Every value equal to {@code value} (e.g. 1.0 for RMS norm weights). */
    static TensorData constant(float value) {
        return (index, row) -> Arrays.fill(row, value);
    }

    /** Explicit values, row-major with ne[0] innermost; for small tensors in tests. */
    static TensorData of(float... values) {
        float[] copy = values.clone();
        return (index, row) -> System.arraycopy(copy, Math.toIntExact(index * row.length), row, 0, row.length);
    }

    /**
     * Seeded random values with mean 0 and standard deviation {@code std} (uniform in ±std·√3: cheap, bounded, and
     * for random test weights as good as a Gaussian). Each row has its own seed derived from {@code seed} and the row
     * index, so the values do not depend on the order rows are asked for.
     */
    static TensorData random(long seed, float std) {
        float amplitude = (float) (std * Math.sqrt(3));
        return (index, row) -> {
            long state = mix(seed ^ mix(index + 0x632BE59BD9B4E019L));
            for (int i = 0; i < row.length; i++) {
                state += 0x9E3779B97F4A7C15L;
                long z = mix(state);
                // 24 random bits -> [-1, 1)
                float u = ((z >>> 40) * 0x1p-23f) - 1f;
                row[i] = u * amplitude;
            }
        };
    }

    /** These values, except rows for which {@code zero} holds, which are all zeros. */
    default TensorData withZeroRows(LongPredicate zero) {
        TensorData base = this;
        return (index, row) -> {
            if (zero.test(index)) {
                Arrays.fill(row, 0f);
            } else {
                base.fillRow(index, row);
            }
        };
    }

    /** SplitMix64's finaliser: a fast, well-mixed 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

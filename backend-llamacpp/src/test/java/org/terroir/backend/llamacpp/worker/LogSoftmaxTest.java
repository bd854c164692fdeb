package org.terroir.backend.llamacpp.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class LogSoftmaxTest {
    @Test
    void matchesTheDefinitionAndSumsToOne() {
        float[] logits = {1f, 2f, 3f, -1f};
        LogSoftmax d = new LogSoftmax(logits);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(-1);
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            assertEquals(logits[i] - Math.log(z), d.logprob(i), 1e-9);
            sum += Math.exp(d.logprob(i));
        }
        assertEquals(1, sum, 1e-9);
    }

    @Test
    void hugeLogitsDoNotOverflowAndRuledOutTokensAreMinusInfinity() {
        LogSoftmax d = new LogSoftmax(new float[] {1000f, 1000f, -1000f, Float.NEGATIVE_INFINITY});
        assertEquals(Math.log(0.5), d.logprob(0), 1e-9);
        assertEquals(Math.log(0.5), d.logprob(1), 1e-9);
        assertTrue(d.logprob(2) < -1999);
        assertEquals(Double.NEGATIVE_INFINITY, d.logprob(3));
        LogSoftmax one = new LogSoftmax(new float[] {Float.NEGATIVE_INFINITY, 5f});
        assertEquals(0, one.logprob(1));
        assertThrows(IllegalArgumentException.class,
                () -> new LogSoftmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    }

    @Test
    void topIsTheLargestFirstWithTiesByIdAndMatchesAFullSort() {
        assertArrayEquals(new int[] {2, 1}, new LogSoftmax(new float[] {1f, 2f, 3f, 0f}).top(2));
        assertArrayEquals(new int[] {1, 3, 0}, new LogSoftmax(new float[] {0f, 5f, -2f, 5f}).top(3));
        assertArrayEquals(new int[] {1, 0}, new LogSoftmax(new float[] {0f, 1f}).top(20));
        assertArrayEquals(new int[0], new LogSoftmax(new float[] {0f, 1f}).top(0));
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            float[] logits = new float[1 + random.nextInt(3000)];
            for (int i = 0; i < logits.length; i++) {
                // coarse values, so that ties happen
                logits[i] = random.nextInt(200) / 10f - 10f;
            }
            int k = random.nextInt(21);
            int[] expected = IntStream.range(0, logits.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, new LogSoftmax(logits).top(k), Arrays.toString(expected));
        }
    }
}

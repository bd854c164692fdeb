package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.Sampling;

class SamplerTest {
    @Test
    void largestReturnsTheTopIndicesInOrder() {
        float[] logits = new float[1000];
        Random random = new Random(1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = random.nextFloat();
        }
        Integer[] all = new Integer[logits.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        java.util.Arrays.sort(all, (a, b) -> Float.compare(logits[b], logits[a]));
        int[] expected = new int[40];
        for (int i = 0; i < 40; i++) {
            expected[i] = all[i];
        }
        assertArrayEquals(expected, Sampler.largest(logits, 40));
        assertEquals(logits.length, Sampler.largest(logits, logits.length).length);
    }

    @Test
    void greedyTakesTheLargestAfterThePenalty() {
        float[] logits = {1f, 3f, 2.9f};
        assertEquals(1, new Sampler(Sampling.greedy(1)).next(logits.clone(), List.of()));
        // Token 1 was just said: divided by 1.5 it falls below token 2.
        assertEquals(2, new Sampler(Sampling.greedy(1).withRepeatPenalty(1.5f)).next(logits.clone(), List.of(1L)));
    }

    @Test
    void topKOneIsGreedyAndTopPKeepsTheHead() {
        float[] logits = {0f, 5f, 4.9f, -3f};
        Sampling topK1 = new Sampling(1, 1f, 1, 1f, 0f, 1f, 3L, List.of());
        for (int i = 0; i < 20; i++) {
            assertEquals(1, new Sampler(topK1.withSeed((long) i)).next(logits.clone(), List.of()));
        }
        // top-p 0.9 keeps tokens 1 and 2 (about 50% each), never 0 or 3.
        Sampling topP = new Sampling(1, 1f, 0, 0.9f, 0f, 1f, 0L, List.of());
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(new Sampler(topP.withSeed((long) i)).next(logits.clone(), List.of()));
        }
        assertEquals(java.util.Set.of(1, 2), seen);
    }
}

package org.terroir.backend.onnx.internal;

import java.util.List;
import java.util.SplittableRandom;

import org.terroir.api.inference.Sampling;

/**
 * Picks the next token from logits: repetition penalty over the last tokens, then greedy (temperature 0) or
 * temperature, top-k, top-p and min-p sampling with a seeded random source.
 */
final class Sampler {
    /** Tokens the repetition penalty looks back over (llama.cpp's default). */
    static final int PENALTY_WINDOW = 64;

    private final Sampling sampling;
    // SplittableRandom mixes its seed: java.util.Random gives nearly the same first draw for seeds 1, 2, 3...
    private final SplittableRandom random;

    Sampler(Sampling sampling) {
        this.sampling = sampling;
        this.random = new SplittableRandom(sampling.seed() != null ? sampling.seed() : System.nanoTime());
    }

    /** The next token. {@code logits} is modified. {@code history} is the prompt and the tokens generated so far. */
    int next(float[] logits, List<Long> history) {
        penalise(logits, history);
        if (sampling.temperature() <= 0f) {
            return argmax(logits);
        }
        int keep = sampling.topK() > 0 ? Math.min(sampling.topK(), logits.length) : logits.length;
        int[] order = largest(logits, keep);
        double max = logits[order[0]] / sampling.temperature();
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / sampling.temperature() - max);
            sum += p[i];
        }
        // top-p: the smallest head of the sorted list whose mass reaches topP; min-p: drop the unlikely tail.
        double cumulative = 0;
        int cut = keep;
        for (int i = 0; i < keep; i++) {
            p[i] /= sum;
            if (sampling.minP() > 0 && p[i] < sampling.minP() * p[0]) {
                cut = Math.max(1, i);
                break;
            }
            cumulative += p[i];
            if (sampling.topP() < 1f && cumulative >= sampling.topP()) {
                cut = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < cut; i++) {
            total += p[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < cut; i++) {
            r -= p[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[cut - 1];
    }

    /** Indices of the {@code k} largest logits, largest first: a min-heap of size k, O(n log k). */
    static int[] largest(float[] logits, int k) {
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < logits.length; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, logits);
            } else if (logits[i] > logits[heap[0]]) {
                heap[0] = i;
                siftDown(heap, size, logits);
            }
        }
        int[] sorted = new int[size];
        for (int out = size - 1; out >= 0; out--) { // pop the smallest into the back
            sorted[out] = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, logits);
        }
        return sorted;
    }

    private static void siftUp(int[] heap, int i, float[] v) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (v[heap[i]] >= v[heap[parent]]) {
                return;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] heap, int size, float[] v) {
        int i = 0;
        while (true) {
            int smallest = i;
            int l = 2 * i + 1;
            int r = l + 1;
            if (l < size && v[heap[l]] < v[heap[smallest]]) {
                smallest = l;
            }
            if (r < size && v[heap[r]] < v[heap[smallest]]) {
                smallest = r;
            }
            if (smallest == i) {
                return;
            }
            swap(heap, i, smallest);
            i = smallest;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private void penalise(float[] logits, List<Long> history) {
        float penalty = sampling.repeatPenalty();
        if (penalty == 1f || penalty <= 0f) {
            return;
        }
        boolean[] seen = new boolean[logits.length];
        for (int i = Math.max(0, history.size() - PENALTY_WINDOW); i < history.size(); i++) {
            long id = history.get(i);
            if (id >= 0 && id < logits.length && !seen[(int) id]) {
                seen[(int) id] = true;
                float l = logits[(int) id];
                logits[(int) id] = l > 0 ? l / penalty : l * penalty;
            }
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}

package org.terroir.backend.onnx.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.terroir.api.inference.Sampling;

/**
 * Picks the next token from logits: repetition penalty over the last tokens, then greedy (temperature 0) or
 * temperature, top-k, top-p and min-p sampling with a seeded random source.
 */
final class Sampler {
    /** Tokens the repetition penalty looks back over (llama.cpp's default). */
    static final int PENALTY_WINDOW = 64;

    private final Sampling sampling;
    private final Random random;

    Sampler(Sampling sampling) {
        this.sampling = sampling;
        this.random = new Random(sampling.seed() != null ? sampling.seed() : System.nanoTime());
    }

    /** The next token. {@code logits} is modified. {@code history} is the prompt and the tokens generated so far. */
    int next(float[] logits, List<Long> history) {
        penalise(logits, history);
        if (sampling.temperature() <= 0f) {
            return argmax(logits);
        }
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = sampling.topK() > 0 ? Math.min(sampling.topK(), n) : n;
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

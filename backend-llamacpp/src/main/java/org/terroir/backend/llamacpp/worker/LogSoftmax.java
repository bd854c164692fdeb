package org.terroir.backend.llamacpp.worker;

/**
 * Log probabilities from a position's raw logits: {@code log p(i) = l(i) - log(sum_j exp(l(j)))}, computed in
 * double with the largest logit subtracted first (so that no exponential overflows), and the {@code k} most likely
 * tokens. This is the model's own distribution, before any sampler (penalties, bias, grammar, truncation,
 * temperature) changed it, as OpenAI and llama-server's {@code post_sampling_probs: false} report it.
 */
final class LogSoftmax {
    private final float[] logits;
    private final double logNormalizer;

    LogSoftmax(float[] logits) {
        this.logits = logits;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            if (l > max) {
                max = l;
            }
        }
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
            throw new IllegalArgumentException("no finite logit");
        }
        double sum = 0;
        for (float l : logits) {
            if (!Float.isNaN(l)) {
                sum += Math.exp(l - max);
            }
        }
        this.logNormalizer = max + Math.log(sum);
    }

    /** The natural log of token {@code id}'s probability (≤ 0; -infinity for a token the logits rule out). */
    double logprob(int id) {
        float l = logits[id];
        return Float.isNaN(l) ? Double.NEGATIVE_INFINITY : Math.min(0d, l - logNormalizer);
    }

    /** The ids of the {@code k} largest logits, largest first (ties: the smaller id first). */
    int[] top(int k) {
        k = Math.min(k, logits.length);
        int[] ids = new int[k];
        int n = 0;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (Float.isNaN(l)) {
                continue;
            }
            if (n == k && (k == 0 || l <= logits[ids[k - 1]])) {
                continue;
            }
            // Insertion into the small sorted array (k ≤ 20): cheaper than sorting the vocabulary.
            int at = n < k ? n++ : k - 1;
            while (at > 0 && logits[ids[at - 1]] < l) {
                ids[at] = ids[at - 1];
                at--;
            }
            ids[at] = i;
        }
        return n == k ? ids : java.util.Arrays.copyOf(ids, n);
    }
}

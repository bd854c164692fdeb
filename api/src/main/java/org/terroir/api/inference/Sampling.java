package org.terroir.api.inference;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sampling settings of one generation.
 *
 * @param maxTokens        most tokens to generate
 * @param temperature      0 means greedy
 * @param topK             0 disables
 * @param topP             1 disables
 * @param minP             0 disables
 * @param repeatPenalty    1 disables
 * @param seed             fixed seed for reproducible sampling, or {@code null} for a random one
 * @param stop             strings that end the generation when produced (not included in the output)
 * @param presencePenalty  subtracted once from the logit of every token already generated (OpenAI's
 *                         {@code presence_penalty}, -2..2); 0 disables
 * @param frequencyPenalty subtracted from a token's logit once per time it was generated ({@code frequency_penalty},
 *                         -2..2); 0 disables
 * @param logitBias        token id to a bias added to its logit before sampling (OpenAI's {@code logit_bias},
 *                         -100..100; -100 in effect bans a token, 100 forces it); empty for none. The ids are the
 *                         model's own: a backend refuses one outside the model's vocabulary.
 */
public record Sampling(int maxTokens, float temperature, int topK, float topP, float minP, float repeatPenalty, Long seed,
        List<String> stop, float presencePenalty, float frequencyPenalty, Map<Integer, Float> logitBias) {

    /** The largest bias magnitude {@link #logitBias} takes (OpenAI's bound). */
    public static final float MAX_LOGIT_BIAS = 100f;
    /** The largest penalty magnitude {@link #presencePenalty} and {@link #frequencyPenalty} take (OpenAI's bound). */
    public static final float MAX_PENALTY = 2f;

    public Sampling {
        stop = stop == null ? List.of() : List.copyOf(stop);
        logitBias = logitBias == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(logitBias));
    }

    /** Settings without presence/frequency penalties or logit bias. */
    public Sampling(int maxTokens, float temperature, int topK, float topP, float minP, float repeatPenalty, Long seed,
            List<String> stop) {
        this(maxTokens, temperature, topK, topP, minP, repeatPenalty, seed, stop, 0f, 0f, Map.of());
    }

    public static Sampling defaults() {
        return new Sampling(512, 0.7f, 40, 0.95f, 0.05f, 1.1f, null, List.of());
    }

    public static Sampling greedy(int maxTokens) {
        return new Sampling(maxTokens, 0f, 0, 1f, 0f, 1f, 0L, List.of());
    }

    public Sampling withMaxTokens(int value) {
        return new Sampling(value, temperature, topK, topP, minP, repeatPenalty, seed, stop, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withTemperature(float value) {
        return new Sampling(maxTokens, value, topK, topP, minP, repeatPenalty, seed, stop, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withTopP(float value) {
        return new Sampling(maxTokens, temperature, topK, value, minP, repeatPenalty, seed, stop, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withTopK(int value) {
        return new Sampling(maxTokens, temperature, value, topP, minP, repeatPenalty, seed, stop, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withSeed(Long value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, repeatPenalty, value, stop, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withStop(List<String> value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, repeatPenalty, seed, value, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withRepeatPenalty(float value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, value, seed, stop, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withMinP(float value) {
        return new Sampling(maxTokens, temperature, topK, topP, value, repeatPenalty, seed, stop, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public Sampling withPresencePenalty(float value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, repeatPenalty, seed, stop, value,
                frequencyPenalty, logitBias);
    }

    public Sampling withFrequencyPenalty(float value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, repeatPenalty, seed, stop, presencePenalty,
                value, logitBias);
    }

    public Sampling withLogitBias(Map<Integer, Float> value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, repeatPenalty, seed, stop, presencePenalty,
                frequencyPenalty, value);
    }
}

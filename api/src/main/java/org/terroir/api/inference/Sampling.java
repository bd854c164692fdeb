package org.terroir.api.inference;

import java.util.List;

/**
 * Sampling settings of one generation.
 *
 * @param maxTokens     most tokens to generate
 * @param temperature   0 means greedy
 * @param topK          0 disables
 * @param topP          1 disables
 * @param minP          0 disables
 * @param repeatPenalty 1 disables
 * @param seed          fixed seed for reproducible sampling, or {@code null} for a random one
 * @param stop          strings that end the generation when produced (not included in the output)
 */
public record Sampling(int maxTokens, float temperature, int topK, float topP, float minP, float repeatPenalty, Long seed,
        List<String> stop) {

    public Sampling {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    public static Sampling defaults() {
        return new Sampling(512, 0.7f, 40, 0.95f, 0.05f, 1.1f, null, List.of());
    }

    public static Sampling greedy(int maxTokens) {
        return new Sampling(maxTokens, 0f, 0, 1f, 0f, 1f, 0L, List.of());
    }

    public Sampling withMaxTokens(int value) {
        return new Sampling(value, temperature, topK, topP, minP, repeatPenalty, seed, stop);
    }

    public Sampling withTemperature(float value) {
        return new Sampling(maxTokens, value, topK, topP, minP, repeatPenalty, seed, stop);
    }

    public Sampling withTopP(float value) {
        return new Sampling(maxTokens, temperature, topK, value, minP, repeatPenalty, seed, stop);
    }

    public Sampling withTopK(int value) {
        return new Sampling(maxTokens, temperature, value, topP, minP, repeatPenalty, seed, stop);
    }

    public Sampling withSeed(Long value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, repeatPenalty, value, stop);
    }

    public Sampling withStop(List<String> value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, repeatPenalty, seed, value);
    }

    public Sampling withRepeatPenalty(float value) {
        return new Sampling(maxTokens, temperature, topK, topP, minP, value, seed, stop);
    }

    public Sampling withMinP(float value) {
        return new Sampling(maxTokens, temperature, topK, topP, value, repeatPenalty, seed, stop);
    }
}

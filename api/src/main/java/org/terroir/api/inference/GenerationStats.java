package org.terroir.api.inference;

import java.util.List;

import org.terroir.api.energy.EnergyUse;

/**
 * What a finished generation did.
 *
 * <p>Evolution: new facts arrive as new components with a {@code with...} method; backends build stats with the
 * six-value constructor and the withers, so adding a fact is a minor version.
 *
 * @param text               the whole generated text, tool calls left out
 * @param promptTokens       tokens of the prompt as the model saw it (template applied)
 * @param generatedTokens    tokens generated (exact, from the engine)
 * @param timeToFirstTokenMs from the request to the first generated token
 * @param totalMs            from the request to the end
 * @param finishReason       why it ended ({@link FinishReason#TOOL_CALLS} when it called tools)
 * @param cachedPromptTokens prompt tokens the engine reused from an earlier request instead of computing them
 * @param toolCalls          the tools the model called, in order (empty when none)
 * @param logprobs           each generated token's log probability, when asked (empty otherwise)
 * @param energy             the energy the generation used, measured or estimated; null when unknown
 */
public record GenerationStats(String text, int promptTokens, int generatedTokens, double timeToFirstTokenMs,
        double totalMs, FinishReason finishReason, int cachedPromptTokens, List<ToolCall> toolCalls,
        List<TokenLogprob> logprobs, EnergyUse energy) {

    public GenerationStats {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }

    public GenerationStats(String text, int promptTokens, int generatedTokens, double timeToFirstTokenMs,
            double totalMs, FinishReason finishReason) {
        this(text, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, finishReason, 0, List.of(), List.of(),
                null);
    }

    /** Prompt processing speed: prompt tokens over the time to first token. */
    public double promptTokensPerSecond() {
        return timeToFirstTokenMs <= 0 ? 0 : promptTokens * 1000.0 / timeToFirstTokenMs;
    }

    /** Generation speed: tokens after the first over the time after the first. */
    public double tokensPerSecond() {
        double genMs = totalMs - timeToFirstTokenMs;
        return generatedTokens <= 1 || genMs <= 0 ? 0 : (generatedTokens - 1) * 1000.0 / genMs;
    }

    public GenerationStats withCachedPromptTokens(int value) {
        return new GenerationStats(text, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, finishReason,
                value, toolCalls, logprobs, energy);
    }

    /** These tool calls, and {@link FinishReason#TOOL_CALLS} when there is at least one. */
    public GenerationStats withToolCalls(List<ToolCall> value) {
        FinishReason reason = value != null && !value.isEmpty() ? FinishReason.TOOL_CALLS : finishReason;
        return new GenerationStats(text, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, reason,
                cachedPromptTokens, value, logprobs, energy);
    }

    public GenerationStats withText(String value) {
        return new GenerationStats(value, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, finishReason,
                cachedPromptTokens, toolCalls, logprobs, energy);
    }

    public GenerationStats withLogprobs(List<TokenLogprob> value) {
        return new GenerationStats(text, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, finishReason,
                cachedPromptTokens, toolCalls, value, energy);
    }

    public GenerationStats withEnergy(EnergyUse value) {
        return new GenerationStats(text, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, finishReason,
                cachedPromptTokens, toolCalls, logprobs, value);
    }
}

package org.terroir.api.chat;

import org.terroir.api.energy.EnergyUse;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationStats;

/**
 * Statistics of one answer, stored with it.
 *
 * @param model              the model that answered
 * @param promptTokens       tokens of the prompt as the model saw it
 * @param generatedTokens    tokens generated
 * @param timeToFirstTokenMs from the request to the first token
 * @param totalMs            from the request to the end
 * @param tokensPerSecond    generation speed
 * @param finishReason       why it ended
 * @param energy             the energy the answer used, measured or estimated; null when unknown (CO2e follows from
 *                           it with {@link org.terroir.api.energy.CarbonCalculator}, so a changed country applies)
 */
public record AnswerStats(String model, int promptTokens, int generatedTokens, double timeToFirstTokenMs,
        double totalMs, double tokensPerSecond, FinishReason finishReason, EnergyUse energy) {

    public AnswerStats(String model, int promptTokens, int generatedTokens, double timeToFirstTokenMs,
            double totalMs, double tokensPerSecond, FinishReason finishReason) {
        this(model, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, tokensPerSecond, finishReason, null);
    }

    public static AnswerStats of(String model, GenerationStats stats) {
        return new AnswerStats(model, stats.promptTokens(), stats.generatedTokens(), stats.timeToFirstTokenMs(),
                stats.totalMs(), stats.tokensPerSecond(), stats.finishReason(), stats.energy());
    }

    public AnswerStats withEnergy(EnergyUse value) {
        return new AnswerStats(model, promptTokens, generatedTokens, timeToFirstTokenMs, totalMs, tokensPerSecond,
                finishReason, value);
    }
}

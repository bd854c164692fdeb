package org.terroir.api.chat;

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
 */
public record AnswerStats(String model, int promptTokens, int generatedTokens, double timeToFirstTokenMs,
        double totalMs, double tokensPerSecond, FinishReason finishReason) {

    public static AnswerStats of(String model, GenerationStats stats) {
        return new AnswerStats(model, stats.promptTokens(), stats.generatedTokens(), stats.timeToFirstTokenMs(),
                stats.totalMs(), stats.tokensPerSecond(), stats.finishReason());
    }
}

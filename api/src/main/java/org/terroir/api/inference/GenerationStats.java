package org.terroir.api.inference;

/**
 * What a finished generation did.
 *
 * @param text              the whole generated text
 * @param promptTokens      tokens of the prompt as the model saw it (template applied)
 * @param generatedTokens   tokens generated
 * @param timeToFirstTokenMs from the request to the first generated token
 * @param totalMs           from the request to the end
 * @param finishReason      why it ended
 */
public record GenerationStats(String text, int promptTokens, int generatedTokens, double timeToFirstTokenMs,
        double totalMs, FinishReason finishReason) {

    /** Prompt processing speed: prompt tokens over the time to first token. */
    public double promptTokensPerSecond() {
        return timeToFirstTokenMs <= 0 ? 0 : promptTokens * 1000.0 / timeToFirstTokenMs;
    }

    /** Generation speed: tokens after the first over the time after the first. */
    public double tokensPerSecond() {
        double genMs = totalMs - timeToFirstTokenMs;
        return generatedTokens <= 1 || genMs <= 0 ? 0 : (generatedTokens - 1) * 1000.0 / genMs;
    }
}

package org.terroir.web.internal.openai;

import java.util.List;

import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationStats;

/** OpenAI response bodies, serialized as they are (nullable fields written as null). */
final class Responses {
    private Responses() {
    }

    record Usage(int prompt_tokens, int completion_tokens, int total_tokens) {
        static Usage of(int prompt, int completion) {
            return new Usage(prompt, completion, prompt + completion);
        }
    }

    record Message(String role, String content) {
    }

    record ChatChoice(int index, Message message, Object logprobs, String finish_reason) {
    }

    record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
            Usage usage, String system_fingerprint, Timings timings) {
    }

    /**
     * llama-server's {@code timings} extra, from the engine's counts: the prompt's time is the time to the first
     * token (which includes that token's step), the predicted time the rest, over the tokens after the first.
     */
    record Timings(int prompt_n, double prompt_ms, double prompt_per_token_ms, double prompt_per_second,
            int predicted_n, double predicted_ms, double predicted_per_token_ms, double predicted_per_second) {
        static Timings of(GenerationStats stats) {
            double promptMs = Math.max(0, stats.timeToFirstTokenMs());
            double predictedMs = Math.max(0, stats.totalMs() - stats.timeToFirstTokenMs());
            int prompt = stats.promptTokens();
            int predicted = stats.generatedTokens();
            double perSecond = stats.tokensPerSecond();
            return new Timings(prompt, round(promptMs), prompt == 0 ? 0 : round(promptMs / prompt),
                    round(stats.promptTokensPerSecond()), predicted, round(predictedMs),
                    perSecond == 0 ? 0 : round(1000.0 / perSecond), round(perSecond));
        }

        private static double round(double value) {
            return Math.round(value * 1000.0) / 1000.0;
        }
    }

    /** The delta of a chunk: role in the first, content after; both null in the last. */
    record Delta(String role, String content) {
    }

    record ChunkChoice(int index, Delta delta, Object logprobs, String finish_reason) {
    }

    record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage,
            String system_fingerprint) {
    }

    record TextChoice(String text, int index, Object logprobs, String finish_reason) {
    }

    record TextCompletion(String id, String object, long created, String model, List<TextChoice> choices,
            Usage usage) {
    }

    record EmbeddingData(String object, int index, Object embedding) {
    }

    record EmbeddingUsage(int prompt_tokens, int total_tokens) {
    }

    record EmbeddingList(String object, List<EmbeddingData> data, String model, EmbeddingUsage usage) {
    }

    record Model(String id, String object, long created, String owned_by) {
    }

    record ModelList(String object, List<Model> data) {
    }

    /** OpenAI's names: a context that filled up counts as {@code length}, like the token limit. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP, CANCELLED -> "stop";
            case LENGTH, CONTEXT_FULL -> "length";
        };
    }
}

package org.terroir.web.internal.openai;

import java.util.List;

import org.terroir.api.inference.TokenLogprob;

import com.google.gson.JsonArray;

/**
 * OpenAI's per-token log probability array, {@code [{token, logprob, bytes, top_logprobs: [{token, logprob,
 * bytes}]}]}, for the dialects outside this package that carry it as is: the Responses API's output text and
 * Ollama's {@code logprobs}.
 */
public final class LogprobsJson {
    private LogprobsJson() {
    }

    public static JsonArray content(List<TokenLogprob> tokens) {
        return Responses.logprobs(tokens, true).getAsJsonObject().getAsJsonArray("content");
    }
}

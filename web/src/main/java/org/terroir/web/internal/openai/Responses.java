package org.terroir.web.internal.openai;

import java.util.List;

import org.terroir.api.energy.CarbonCalculator;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.energy.GridIntensity;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.TokenLogprob;
import org.terroir.api.inference.ToolCall;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/** OpenAI response bodies, serialized as they are (nullable fields written as null). */
public final class Responses {
    private Responses() {
    }

    record Usage(int prompt_tokens, int completion_tokens, int total_tokens) {
        static Usage of(int prompt, int completion) {
            return new Usage(prompt, completion, prompt + completion);
        }
    }

    record Message(String role, String content) {
    }

    record ChatChoice(int index, Object message, Object logprobs, String finish_reason) {
    }

    record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
            Object usage, String system_fingerprint, Timings timings) {
    }

    /**
     * The assistant's message: {@code content} (null when it only called tools, as OpenAI writes it) and
     * {@code tool_calls} when there are some.
     */
    static JsonObject message(String text, List<ToolCall> calls) {
        JsonObject m = new JsonObject();
        m.addProperty("role", "assistant");
        if (calls.isEmpty() || !text.isEmpty()) {
            m.addProperty("content", text);
        } else {
            m.add("content", JsonNull.INSTANCE);
        }
        if (!calls.isEmpty()) {
            JsonArray array = new JsonArray();
            for (ToolCall call : calls) {
                array.add(toolCall(call, -1));
            }
            m.add("tool_calls", array);
        }
        return m;
    }

    /** One call, OpenAI's shape; {@code index} ≥ 0 adds the index a streamed delta carries. */
    static JsonObject toolCall(ToolCall call, int index) {
        JsonObject c = new JsonObject();
        if (index >= 0) {
            c.addProperty("index", index);
        }
        c.addProperty("id", call.id());
        c.addProperty("type", "function");
        JsonObject f = new JsonObject();
        f.addProperty("name", call.name());
        f.addProperty("arguments", call.argumentsJson());
        c.add("function", f);
        return c;
    }

    /** {@code logprobs: {content: [{token, logprob, bytes, top_logprobs}]}}, or null when none were asked. */
    static JsonElement logprobs(List<TokenLogprob> tokens, boolean asked) {
        if (!asked) {
            return JsonNull.INSTANCE;
        }
        JsonArray content = new JsonArray();
        for (TokenLogprob t : tokens) {
            JsonObject o = logprob(t);
            JsonArray top = new JsonArray();
            for (TokenLogprob alt : t.top()) {
                top.add(logprob(alt));
            }
            o.add("top_logprobs", top);
            content.add(o);
        }
        JsonObject o = new JsonObject();
        o.add("content", content);
        o.add("refusal", JsonNull.INSTANCE);
        return o;
    }

    private static JsonObject logprob(TokenLogprob t) {
        JsonObject o = new JsonObject();
        o.addProperty("token", t.token());
        o.addProperty("logprob", t.logprob());
        JsonArray bytes = new JsonArray();
        for (byte b : t.bytes()) {
            bytes.add(b & 0xff);
        }
        o.add("bytes", bytes);
        return o;
    }

    /**
     * OpenAI's usage, with {@code prompt_tokens_details.cached_tokens}, and Terroir's extension {@code energy} when
     * the generation's energy is known (see {@link #energy}).
     */
    static JsonObject usage(GenerationStats stats) {
        JsonObject u = new JsonObject();
        u.addProperty("prompt_tokens", stats.promptTokens());
        u.addProperty("completion_tokens", stats.generatedTokens());
        u.addProperty("total_tokens", stats.promptTokens() + stats.generatedTokens());
        JsonObject details = new JsonObject();
        details.addProperty("cached_tokens", stats.cachedPromptTokens());
        u.add("prompt_tokens_details", details);
        if (stats.energy() != null) {
            u.add("energy", energy(stats.energy()));
        }
        return u;
    }

    /**
     * Terroir's {@code usage.energy} extension, the one place that builds it for every dialect and for the page:
     * {@code joules}, {@code wh}, {@code method} ({@code measured} or {@code estimated}), {@code source}, and, when
     * the hardware bundle's carbon calculator is there, {@code co2_grams} with the grid it used: {@code country}
     * (ISO code or {@code WORLD}), {@code country_name} (in English for the API), {@code grid_g_per_kwh}.
     */
    public static JsonObject energy(EnergyUse energy) {
        return energy(energy, carbon(), java.util.Locale.ENGLISH);
    }

    /** The same, with the country's name in {@code locale} (the page's language). */
    public static JsonObject energy(EnergyUse energy, CarbonCalculator carbon, java.util.Locale locale) {
        JsonObject e = new JsonObject();
        e.addProperty("joules", energy.joules());
        e.addProperty("wh", energy.wattHours());
        e.addProperty("method", energy.method().name().toLowerCase(java.util.Locale.ROOT));
        e.addProperty("source", energy.source());
        carbon(e, energy.joules(), carbon, locale);
        return e;
    }

    /** Adds {@code co2_grams}, {@code country}, {@code country_name} and {@code grid_g_per_kwh} when known. */
    public static void carbon(JsonObject target, double joules, CarbonCalculator carbon, java.util.Locale locale) {
        if (carbon == null) {
            return;
        }
        GridIntensity grid = carbon.intensity();
        target.addProperty("co2_grams", grid.grams(joules));
        target.addProperty("country", grid.country());
        target.addProperty("country_name", carbon.countryName(grid, locale));
        target.addProperty("grid_g_per_kwh", grid.gramsPerKwh());
    }

    /** The carbon calculator registered in the framework, or null (no hardware bundle, or not in a framework). */
    public static CarbonCalculator carbon() {
        org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(Responses.class);
        org.osgi.framework.BundleContext context = bundle == null ? null : bundle.getBundleContext();
        if (context == null) {
            return null;
        }
        try {
            org.osgi.framework.ServiceReference<CarbonCalculator> ref = context.getServiceReference(
                    CarbonCalculator.class);
            if (ref == null) {
                return null;
            }
            try {
                return context.getService(ref);
            } finally {
                context.ungetService(ref);
            }
        } catch (IllegalStateException e) {
            return null;
        }
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

    record ChunkChoice(int index, Object delta, Object logprobs, String finish_reason) {
    }

    record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices, Object usage,
            String system_fingerprint) {
    }

    record TextChoice(String text, int index, Object logprobs, String finish_reason) {
    }

    record TextCompletion(String id, String object, long created, String model, List<TextChoice> choices,
            Object usage) {
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
            case TOOL_CALLS -> "tool_calls";
        };
    }
}

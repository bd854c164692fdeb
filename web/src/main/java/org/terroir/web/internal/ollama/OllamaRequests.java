package org.terroir.web.internal.ollama;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.Sampling;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.openai.Fields;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Ollama request bodies, validated and turned into Terroir values; what Terroir cannot honour is refused. */
final class OllamaRequests {
    /** Options Ollama applies when loading a model; Terroir loads with its own settings, so these change nothing. */
    static final Set<String> LOAD_OPTIONS = Set.of("num_ctx", "num_batch", "num_gpu", "main_gpu", "low_vram",
            "num_thread", "use_mmap", "use_mlock", "numa", "vocab_only", "f16_kv", "logits_all", "num_keep",
            "repeat_last_n", "penalize_newline");

    private OllamaRequests() {
    }

    /**
     * A chat ({@code messages}) or a generation ({@code prompt}, raw or through the chat template). {@code maxTokens}
     * null: up to the context. {@code unload}: keep_alive 0 with an empty prompt.
     */
    record Call(String model, List<ChatMessage> messages, String prompt, boolean raw, Integer maxTokens,
            Sampling sampling, boolean stream, boolean unload) {
    }

    record Embed(String model, List<String> input) {
    }

    static Call chat(JsonObject body) {
        String model = Fields.requiredString(body, "model");
        refuseCommon(body);
        List<ChatMessage> messages = new ArrayList<>();
        if (Fields.present(body, "messages")) {
            JsonArray array = Fields.array(body, "messages");
            for (int i = 0; i < array.size(); i++) {
                messages.add(message(array.get(i), "messages[" + i + "]"));
            }
        }
        if (messages.isEmpty()) {
            throw ApiError.badRequest("invalid_value", "messages", Texts.get("error.messages.empty"));
        }
        Options options = options(body);
        return new Call(model, messages, null, false, options.maxTokens, options.sampling,
                Fields.bool(body, "stream", true), false);
    }

    static Call generate(JsonObject body) {
        String model = Fields.requiredString(body, "model");
        refuseCommon(body);
        for (String field : List.of("suffix", "template")) {
            if (!Fields.string(body, field, "").isEmpty()) {
                throw unsupported(field);
            }
        }
        if (Fields.present(body, "context") && !Fields.array(body, "context").isEmpty()) {
            throw unsupported("context");
        }
        String prompt = Fields.string(body, "prompt", "");
        boolean raw = Fields.bool(body, "raw", false);
        String system = Fields.string(body, "system", "");
        Options options = options(body);
        boolean unload = prompt.isEmpty() && keepAliveZero(body);
        List<ChatMessage> messages = new ArrayList<>();
        if (!prompt.isEmpty() && !raw) {
            if (!system.isEmpty()) {
                messages.add(new ChatMessage(ChatMessage.Role.SYSTEM, system));
            }
            messages.add(new ChatMessage(ChatMessage.Role.USER, prompt));
        }
        return new Call(model, messages, prompt, raw && !prompt.isEmpty(), options.maxTokens, options.sampling,
                Fields.bool(body, "stream", true), unload);
    }

    static Embed embed(JsonObject body, boolean legacy) {
        String model = Fields.requiredString(body, "model");
        String field = legacy ? "prompt" : "input";
        if (!Fields.present(body, field)) {
            throw Fields.missing(field);
        }
        if (Fields.present(body, "dimensions")) {
            throw unsupported("dimensions");
        }
        List<String> input = Fields.strings(body, field, 2048);
        if (input.isEmpty()) {
            throw ApiError.badRequest("invalid_value", field, Texts.get("error.field.empty", field));
        }
        if (legacy && input.size() != 1) {
            throw Fields.wrongType(field, "string");
        }
        return new Embed(model, input);
    }

    /** {@code format} (JSON output), {@code tools} and images are not honoured yet: a 400, not a silent answer. */
    private static void refuseCommon(JsonObject body) {
        if (Fields.present(body, "format")) {
            JsonElement format = body.get("format");
            boolean empty = format.isJsonPrimitive() && format.getAsString().isEmpty();
            if (!empty) {
                throw unsupported("format");
            }
        }
        if (Fields.present(body, "tools") && !Fields.array(body, "tools").isEmpty()) {
            throw unsupported("tools");
        }
        if (Fields.present(body, "images") && !Fields.array(body, "images").isEmpty()) {
            throw unsupported("images");
        }
    }

    private static boolean keepAliveZero(JsonObject body) {
        if (!Fields.present(body, "keep_alive")) {
            return false;
        }
        JsonElement e = body.get("keep_alive");
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble() == 0;
        }
        return e.isJsonPrimitive() && e.getAsString().strip().matches("0+(\\.0+)?[smh]?");
    }

    private static ChatMessage message(JsonElement element, String where) {
        if (!element.isJsonObject()) {
            throw Fields.wrongType(where, "object");
        }
        JsonObject o = element.getAsJsonObject();
        String role = Fields.present(o, "role") ? Fields.string(o, "role", null) : null;
        if (role == null) {
            throw Fields.missing(where + ".role");
        }
        ChatMessage.Role parsed = switch (role.toLowerCase(Locale.ROOT)) {
            case "system" -> ChatMessage.Role.SYSTEM;
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            default -> throw ApiError.badRequest("invalid_value", where + ".role", Texts.get("error.role", role));
        };
        if (Fields.present(o, "images") && !Fields.array(o, "images").isEmpty()) {
            throw unsupported(where + ".images");
        }
        if (Fields.present(o, "tool_calls") && !Fields.array(o, "tool_calls").isEmpty()) {
            throw unsupported(where + ".tool_calls");
        }
        return new ChatMessage(parsed, Fields.string(o, "content", ""));
    }

    private record Options(Integer maxTokens, Sampling sampling) {
    }

    /**
     * {@code options}: num_predict, temperature, top_k, top_p, min_p, repeat_penalty, seed, stop. Sampling options
     * Terroir lacks are refused unless neutral; load options ({@link #LOAD_OPTIONS}) and unknown keys change nothing
     * here, as in Ollama (which ignores unknown ones too).
     */
    private static Options options(JsonObject body) {
        Sampling sampling = Sampling.defaults();
        if (!Fields.present(body, "options")) {
            return new Options(null, sampling);
        }
        JsonElement element = body.get("options");
        if (!element.isJsonObject()) {
            throw Fields.wrongType("options", "object");
        }
        JsonObject o = element.getAsJsonObject();
        Integer maxTokens = Fields.integer(o, "num_predict", -2, Integer.MAX_VALUE);
        if (maxTokens != null && maxTokens <= 0) {
            maxTokens = maxTokens == 0 ? Integer.valueOf(1) : null; // -1: no limit, -2: fill the context
        }
        sampling = Fields.commonSampling(o, sampling, "options.", 4, 256);
        neutral(o, "presence_penalty", 0);
        neutral(o, "frequency_penalty", 0);
        neutral(o, "mirostat", 0);
        neutral(o, "typical_p", 1);
        neutral(o, "tfs_z", 1);
        return new Options(maxTokens, sampling);
    }

    private static void neutral(JsonObject options, String name, double neutral) {
        Float value = Fields.number(options, name, -1e9, 1e9);
        if (value != null && value != neutral) {
            throw unsupported("options." + name);
        }
    }

    static ApiError unsupported(String name) {
        return ApiError.badRequest("unsupported_parameter", name, Texts.get("error.unsupported.ollama", name));
    }
}

package org.terroir.web.internal.ollama;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.web.internal.openai.Tools;
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
            Sampling sampling, boolean stream, boolean unload, List<ToolDefinition> tools, ResponseFormat format,
            int logprobs) {
        Call(String model, List<ChatMessage> messages, String prompt, boolean raw, Integer maxTokens,
                Sampling sampling, boolean stream, boolean unload) {
            this(model, messages, prompt, raw, maxTokens, sampling, stream, unload, List.of(), ResponseFormat.TEXT, -1);
        }

        /** Tools (chat only) and the format on a generation request. */
        GenerationRequest apply(GenerationRequest request) {
            if (!tools.isEmpty() && request.isChat()) {
                request = request.withTools(tools, ToolChoice.AUTO);
            }
            return request.withResponseFormat(format).withLogprobs(logprobs);
        }
    }

    /**
     * Ollama's {@code logprobs} (boolean) and {@code top_logprobs} (0–20): each generated token's log probability
     * with that many alternatives, or -1 when not asked.
     */
    static int logprobs(JsonObject body) {
        boolean on = Fields.bool(body, "logprobs", false);
        Integer top = Fields.integer(body, "top_logprobs", 0, org.terroir.api.inference.GenerationRequest.MAX_TOP_LOGPROBS);
        return on || top != null && top > 0 ? (top == null ? 0 : top) : -1;
    }

    record Embed(String model, List<String> input) {
    }

    static Call chat(JsonObject body) {
        String model = Fields.requiredString(body, "model");
        refuseCommon(body);
        List<ChatMessage> messages = new ArrayList<>();
        if (Fields.present(body, "messages")) {
            JsonArray array = Fields.array(body, "messages");
            java.util.Deque<String> unanswered = new java.util.ArrayDeque<>();
            for (int i = 0; i < array.size(); i++) {
                messages.add(message(array.get(i), "messages[" + i + "]", i, unanswered));
            }
        }
        if (messages.isEmpty()) {
            throw ApiError.badRequest("invalid_value", "messages", Texts.get("error.messages.empty"));
        }
        Options options = options(body);
        return new Call(model, messages, null, false, options.maxTokens, options.sampling,
                Fields.bool(body, "stream", true), false, Tools.definitions(body, "tools"), format(body),
                logprobs(body));
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
        if (Fields.present(body, "tools") && !Fields.array(body, "tools").isEmpty()) {
            throw unsupported("tools"); // Ollama's /api/generate has no tools either
        }
        return new Call(model, messages, prompt, raw && !prompt.isEmpty(), options.maxTokens, options.sampling,
                Fields.bool(body, "stream", true), unload, List.of(), format(body), logprobs(body));
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

    /** {@code format}: {@code "json"} (any JSON object) or a JSON Schema object; {@code ""} or absent: text. */
    static ResponseFormat format(JsonObject body) {
        if (!Fields.present(body, "format")) {
            return ResponseFormat.TEXT;
        }
        JsonElement format = body.get("format");
        if (format.isJsonObject()) {
            return ResponseFormat.jsonSchema(null, format.toString(), false);
        }
        if (format.isJsonPrimitive() && format.getAsJsonPrimitive().isString()) {
            return switch (format.getAsString()) {
                case "" -> ResponseFormat.TEXT;
                case "json" -> ResponseFormat.JSON_OBJECT;
                default -> throw ApiError.badRequest("invalid_value", "format",
                        Texts.get("error.format.unknown", "format", format.getAsString()));
            };
        }
        throw Fields.wrongType("format", "\"json\" or a JSON Schema object");
    }

    /** Images are not read by these models: a 400, not a silent answer. */
    private static void refuseCommon(JsonObject body) {
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

    /**
     * One message. Ollama's tool calls carry no ids: an assistant's calls get {@code call_<message>_<n>}, and each
     * {@code tool} message answers the oldest call not yet answered.
     */
    private static ChatMessage message(JsonElement element, String where, int index,
            java.util.Deque<String> unanswered) {
        if (!element.isJsonObject()) {
            throw Fields.wrongType(where, "object");
        }
        JsonObject o = element.getAsJsonObject();
        String role = Fields.required(o, "role", where);
        ChatMessage.Role parsed = switch (role.toLowerCase(Locale.ROOT)) {
            case "system" -> ChatMessage.Role.SYSTEM;
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            case "tool" -> ChatMessage.Role.TOOL;
            default -> throw ApiError.badRequest("invalid_value", where + ".role", Texts.get("error.role.any", role));
        };
        if (Fields.present(o, "images") && !Fields.array(o, "images").isEmpty()) {
            throw unsupported(where + ".images");
        }
        String content = Fields.string(o, "content", "");
        if (parsed == ChatMessage.Role.TOOL) {
            String id = unanswered.isEmpty() ? "call_" + index : unanswered.poll();
            return ChatMessage.tool(id, content);
        }
        if (parsed == ChatMessage.Role.ASSISTANT && Fields.present(o, "tool_calls")) {
            JsonArray array = Fields.array(o, "tool_calls");
            List<ToolCall> calls = new ArrayList<>();
            for (int j = 0; j < array.size(); j++) {
                String at = where + ".tool_calls[" + j + "]";
                if (!array.get(j).isJsonObject() || !array.get(j).getAsJsonObject().has("function")
                        || !array.get(j).getAsJsonObject().get("function").isJsonObject()) {
                    throw Fields.wrongType(at, "object with a function");
                }
                JsonObject f = array.get(j).getAsJsonObject().getAsJsonObject("function");
                String id = "call_" + index + "_" + j;
                calls.add(new ToolCall(id, Fields.requiredString(f, "name"),
                        Tools.arguments(f, "arguments", at + ".function.arguments")));
                unanswered.add(id);
            }
            return ChatMessage.assistant(content, calls);
        }
        return new ChatMessage(parsed, content);
    }

    private record Options(Integer maxTokens, Sampling sampling) {
    }

    /**
     * {@code options}: num_predict, temperature, top_k, top_p, min_p, repeat_penalty, presence_penalty,
     * frequency_penalty, seed, stop. Sampling options
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

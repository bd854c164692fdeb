package org.terroir.web.internal.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** OpenAI request bodies, validated and turned into Terroir values. */
final class Requests {
    /** Most stop sequences OpenAI accepts. */
    static final int MAX_STOP = 4;
    /** Longest stop sequence, in characters: each is looked for after every token, so it must stay short. */
    static final int MAX_STOP_LENGTH = 256;

    private Requests() {
    }

    /** A chat or text completion request. {@code maxTokens} is null when the client set none. */
    record Completion(String model, List<ChatMessage> messages, String prompt, Integer maxTokens, Sampling sampling,
            boolean stream, boolean includeUsage, List<ToolDefinition> tools, ToolChoice toolChoice,
            boolean parallelToolCalls, ResponseFormat responseFormat, int logprobs) {
        Completion(String model, List<ChatMessage> messages, String prompt, Integer maxTokens, Sampling sampling,
                boolean stream, boolean includeUsage) {
            this(model, messages, prompt, maxTokens, sampling, stream, includeUsage, List.of(), ToolChoice.AUTO, true,
                    ResponseFormat.TEXT, -1);
        }

        /** The same call with other messages (the documents extension puts passages in front). */
        Completion withMessages(List<ChatMessage> value) {
            return new Completion(model, value, prompt, maxTokens, sampling, stream, includeUsage, tools, toolChoice,
                    parallelToolCalls, responseFormat, logprobs);
        }

        /** This call's options on a generation request. */
        GenerationRequest apply(GenerationRequest request) {
            if (!tools.isEmpty()) {
                request = request.withTools(tools, toolChoice);
            }
            return request.withResponseFormat(responseFormat).withLogprobs(logprobs);
        }
    }

    record Embedding(String model, List<String> input, boolean base64) {
    }

    static Completion chat(JsonObject body) {
        String model = Fields.requiredString(body, "model");
        JsonArray array = Fields.array(body, "messages");
        if (array.isEmpty()) {
            throw ApiError.badRequest("invalid_value", "messages", Texts.get("error.messages.empty"));
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            messages.add(message(array.get(i), "messages[" + i + "]"));
        }
        refuseChatOnly(body);
        Completion c = completion(body, model, messages, null);
        List<ToolDefinition> tools = Tools.definitions(body, "tools");
        ToolChoice choice = Tools.choice(body, "tool_choice", tools);
        boolean parallel = Fields.bool(body, "parallel_tool_calls", true);
        return new Completion(c.model(), c.messages(), null, c.maxTokens(), c.sampling(), c.stream(), c.includeUsage(),
                tools, choice, parallel, responseFormat(body), logprobs(body));
    }

    /** {@code logprobs} (boolean) and {@code top_logprobs} (0–20, only with logprobs) as the api's one number. */
    static int logprobs(JsonObject body) {
        boolean on = Fields.bool(body, "logprobs", false);
        Integer top = Fields.integer(body, "top_logprobs", 0, GenerationRequest.MAX_TOP_LOGPROBS);
        if (top != null && top > 0 && !on) {
            throw ApiError.badRequest("invalid_value", "top_logprobs", Texts.get("error.logprobs.top"));
        }
        return on ? (top == null ? 0 : top) : -1;
    }

    /** {@code response_format}: text, json_object, or json_schema {name, schema, strict}. */
    static ResponseFormat responseFormat(JsonObject body) {
        if (!Fields.present(body, "response_format")) {
            return ResponseFormat.TEXT;
        }
        JsonElement format = body.get("response_format");
        if (!format.isJsonObject()) {
            throw Fields.wrongType("response_format", "object");
        }
        return Tools.format(format.getAsJsonObject(), "response_format");
    }

    /**
     * Fields of a chat request that Terroir cannot honour yet: a 400 naming the field rather than an answer that
     * silently did something else. Their neutral values ({@code false}, {@code 0}, {@code {}}, {@code []},
     * {@code "none"}, {@code "text"}) change nothing and pass.
     */
    private static void refuseChatOnly(JsonObject body) {
        // OpenAI's deprecated function calling: tools replaced it; clients that still send it get a clear 400.
        refuseUnlessNeutral(body, "functions");
        if (Fields.present(body, "function_call")) {
            JsonElement call = body.get("function_call");
            if (!(call.isJsonPrimitive() && List.of("none", "auto").contains(call.getAsString()))) {
                throw unsupported("function_call");
            }
        }
        refuseUnlessNeutral(body, "audio");
        if (Fields.present(body, "modalities")) {
            for (JsonElement m : Fields.array(body, "modalities")) {
                if (!(m.isJsonPrimitive() && m.getAsString().equals("text"))) {
                    throw unsupported("modalities");
                }
            }
        }
        refuseUnlessNeutral(body, "prediction");
    }

    /** Fields of a text completion that Terroir cannot honour yet (same rule as for chats). */
    private static void refuseTextOnly(JsonObject body) {
        if (Fields.bool(body, "echo", false)) {
            throw unsupported("echo");
        }
        Integer bestOf = Fields.integer(body, "best_of", 1, 20);
        if (bestOf != null && bestOf != 1) {
            throw unsupported("best_of");
        }
        if (!Fields.string(body, "suffix", "").isEmpty()) {
            throw unsupported("suffix");
        }
    }

    /** A field whose neutral value (false, 0, empty object or array, empty string) changes nothing. */
    private static void refuseUnlessNeutral(JsonObject body, String name) {
        if (!Fields.present(body, name)) {
            return;
        }
        JsonElement e = body.get(name);
        boolean neutral = e.isJsonObject() && e.getAsJsonObject().isEmpty()
                || e.isJsonArray() && e.getAsJsonArray().isEmpty()
                || e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && !e.getAsBoolean()
                || e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsDouble() == 0
                || e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() && e.getAsString().isEmpty();
        if (!neutral) {
            throw unsupported(name);
        }
    }

    static ApiError unsupported(String name) {
        return ApiError.badRequest("unsupported_parameter", name, Texts.get("error.unsupported", name));
    }

    static Completion text(JsonObject body) {
        String model = Fields.requiredString(body, "model");
        if (!Fields.present(body, "prompt")) {
            throw Fields.missing("prompt");
        }
        List<String> prompts = Fields.strings(body, "prompt", Integer.MAX_VALUE);
        if (prompts.size() != 1) {
            throw ApiError.badRequest("invalid_value", "prompt", Texts.get("error.prompt.one"));
        }
        refuseTextOnly(body);
        Completion c = completion(body, model, List.of(), prompts.get(0));
        // The legacy API's logprobs: how many alternatives per token (0: only the sampled token's), null for none.
        Integer logprobs = Fields.integer(body, "logprobs", 0, GenerationRequest.MAX_TOP_LOGPROBS);
        return logprobs == null ? c : new Completion(c.model(), c.messages(), c.prompt(), c.maxTokens(), c.sampling(),
                c.stream(), c.includeUsage(), List.of(), ToolChoice.AUTO, true, ResponseFormat.TEXT, logprobs);
    }

    private static Completion completion(JsonObject body, String model, List<ChatMessage> messages, String prompt) {
        Integer n = Fields.integer(body, "n", 1, 128);
        if (n != null && n != 1) {
            throw ApiError.badRequest("invalid_value", "n", Texts.get("error.n"));
        }
        Integer maxTokens = Fields.integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        Integer legacy = Fields.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        maxTokens = maxTokens != null ? maxTokens : legacy;
        Sampling sampling = Sampling.defaults();
        sampling = Fields.commonSampling(body, sampling, "", MAX_STOP, MAX_STOP_LENGTH);
        sampling = sampling.withLogitBias(logitBias(body));
        boolean stream = Fields.bool(body, "stream", false);
        boolean includeUsage = false;
        if (Fields.present(body, "stream_options")) {
            JsonElement options = body.get("stream_options");
            if (!options.isJsonObject()) {
                throw Fields.wrongType("stream_options", "object");
            }
            includeUsage = Fields.bool(options.getAsJsonObject(), "include_usage", false);
        }
        return new Completion(model, messages, prompt, maxTokens, sampling, stream, includeUsage);
    }

    /** Most entries a {@code logit_bias} may have (OpenAI takes 300; tools that ban lists of words send more). */
    static final int MAX_LOGIT_BIAS = 1024;

    /**
     * OpenAI's {@code logit_bias}: an object from token ids (as strings) to a bias, -100..100, added to the token's
     * logit before sampling. The ids are the model's own; the backend refuses one outside its vocabulary.
     */
    static java.util.Map<Integer, Float> logitBias(JsonObject body) {
        if (!Fields.present(body, "logit_bias")) {
            return java.util.Map.of();
        }
        JsonElement element = body.get("logit_bias");
        if (!element.isJsonObject()) {
            throw Fields.wrongType("logit_bias", "object");
        }
        JsonObject bias = element.getAsJsonObject();
        if (bias.size() > MAX_LOGIT_BIAS) {
            throw ApiError.badRequest("invalid_value", "logit_bias", Texts.get("error.logit.bias.size",
                    MAX_LOGIT_BIAS));
        }
        java.util.Map<Integer, Float> out = new java.util.TreeMap<>();
        for (String key : bias.keySet()) {
            int id;
            try {
                id = Integer.parseInt(key.strip());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (id < 0) {
                throw ApiError.badRequest("invalid_value", "logit_bias", Texts.get("error.logit.bias.key",
                        ApiError.shortMessage(key)));
            }
            JsonElement v = bias.get(key);
            if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber())) {
                throw Fields.wrongType("logit_bias", "object of numbers");
            }
            double value = v.getAsDouble();
            if (!(value >= -Sampling.MAX_LOGIT_BIAS && value <= Sampling.MAX_LOGIT_BIAS)) {
                throw ApiError.badRequest("invalid_value", "logit_bias", Texts.get("error.field.range",
                        "logit_bias", -100, 100));
            }
            if (value != 0) {
                out.put(id, (float) value);
            }
        }
        return out;
    }

    private static ChatMessage message(JsonElement element, String where) {
        if (!element.isJsonObject()) {
            throw Fields.wrongType(where, "object");
        }
        JsonObject o = element.getAsJsonObject();
        String role = Fields.required(o, "role", where);
        ChatMessage.Role parsed = switch (role.toLowerCase(Locale.ROOT)) {
            case "system", "developer" -> ChatMessage.Role.SYSTEM;
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            case "tool" -> ChatMessage.Role.TOOL;
            default -> throw ApiError.badRequest("invalid_value", where + ".role",
                    Texts.get("error.role.any", role));
        };
        if (parsed == ChatMessage.Role.TOOL) {
            String id = Fields.present(o, "tool_call_id") ? Fields.string(o, "tool_call_id", null) : null;
            if (id == null || id.isBlank()) {
                throw Fields.missing(where + ".tool_call_id");
            }
            return ChatMessage.tool(id, content(o, where + ".content", parsed));
        }
        if (parsed == ChatMessage.Role.ASSISTANT && Fields.present(o, "tool_calls")) {
            return ChatMessage.assistant(content(o, where + ".content", parsed),
                    Tools.calls(Fields.array(o, "tool_calls"), where + ".tool_calls"));
        }
        return new ChatMessage(parsed, content(o, where + ".content", parsed));
    }

    /** {@code content} as a string, or as an array of text parts (other parts cannot be read by these models). */
    private static String content(JsonObject o, String where, ChatMessage.Role role) {
        if (!Fields.present(o, "content")) {
            if (role == ChatMessage.Role.ASSISTANT) {
                return "";
            }
            throw Fields.missing(where);
        }
        JsonElement c = o.get("content");
        if (c.isJsonPrimitive() && c.getAsJsonPrimitive().isString()) {
            return c.getAsString();
        }
        if (!c.isJsonArray()) {
            throw Fields.wrongType(where, "string or array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonElement part : c.getAsJsonArray()) {
            if (!part.isJsonObject()) {
                throw Fields.wrongType(where, "string or array of text parts");
            }
            JsonObject p = part.getAsJsonObject();
            String type = Fields.string(p, "type", "text");
            if (!type.equals("text")) {
                throw ApiError.badRequest("invalid_value", where, Texts.get("error.part", type));
            }
            text.append(Fields.string(p, "text", ""));
        }
        return text.toString();
    }

    static Embedding embedding(JsonObject body) {
        String model = Fields.requiredString(body, "model");
        if (!Fields.present(body, "input")) {
            throw Fields.missing("input");
        }
        List<String> input = Fields.strings(body, "input", 2048);
        if (input.isEmpty()) {
            throw ApiError.badRequest("invalid_value", "input", Texts.get("error.field.empty", "input"));
        }
        String format = Fields.string(body, "encoding_format", "float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiError.badRequest("invalid_value", "encoding_format", Texts.get("error.encoding", format));
        }
        return new Embedding(model, input, format.equals("base64"));
    }
}

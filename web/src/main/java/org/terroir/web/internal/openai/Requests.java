package org.terroir.web.internal.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.Sampling;
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
            boolean stream, boolean includeUsage) {
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
        return completion(body, model, messages, null);
    }

    /**
     * Fields of a chat request that Terroir cannot honour yet: a 400 naming the field rather than an answer that
     * silently did something else. Their neutral values ({@code false}, {@code 0}, {@code {}}, {@code []},
     * {@code "none"}, {@code "text"}) change nothing and pass.
     */
    private static void refuseChatOnly(JsonObject body) {
        if (Fields.present(body, "logprobs") && Fields.bool(body, "logprobs", false)) {
            throw unsupported("logprobs");
        }
        refuseUnlessNeutral(body, "top_logprobs");
        refuseUnlessNeutral(body, "tools");
        refuseUnlessNeutral(body, "functions");
        if (Fields.present(body, "tool_choice")) {
            JsonElement choice = body.get("tool_choice");
            boolean neutral = choice.isJsonPrimitive() && List.of("none", "auto").contains(choice.getAsString());
            if (!neutral) {
                throw unsupported("tool_choice");
            }
        }
        if (Fields.present(body, "function_call")) {
            JsonElement call = body.get("function_call");
            if (!(call.isJsonPrimitive() && List.of("none", "auto").contains(call.getAsString()))) {
                throw unsupported("function_call");
            }
        }
        if (Fields.present(body, "response_format")) {
            JsonElement format = body.get("response_format");
            if (!format.isJsonObject()) {
                throw Fields.wrongType("response_format", "object");
            }
            String type = Fields.string(format.getAsJsonObject(), "type", "text");
            if (!type.equals("text")) {
                throw ApiError.badRequest("unsupported_value", "response_format",
                        Texts.get("error.unsupported.format", type));
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
        refuseUnlessNeutral(body, "logprobs");
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
        return completion(body, model, List.of(), prompts.get(0));
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
        refusePenalties(body);
        refuseUnlessNeutral(body, "logit_bias");
        sampling = Fields.commonSampling(body, sampling, "", MAX_STOP, MAX_STOP_LENGTH);
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

    /**
     * OpenAI's {@code presence_penalty} and {@code frequency_penalty}, which the api's {@link Sampling} has no place
     * for: 0 (their default) passes, anything else is refused. (top_k, min_p and repeat_penalty, which clients of
     * llama-server, vLLM and Ollama send, are read with the common fields: {@link Fields#commonSampling}.)
     */
    static void refusePenalties(JsonObject body) {
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            Float value = Fields.number(body, penalty, -2, 2);
            if (value != null && value != 0) {
                throw ApiError.badRequest("unsupported_value", penalty, Texts.get("error.unsupported.penalty", penalty));
            }
        }
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
            case "system", "developer" -> ChatMessage.Role.SYSTEM;
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            default -> throw ApiError.badRequest("invalid_value", where + ".role",
                    Texts.get("error.role", role));
        };
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

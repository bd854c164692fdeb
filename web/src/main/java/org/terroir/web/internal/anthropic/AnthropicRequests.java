package org.terroir.web.internal.anthropic;

import java.util.ArrayList;
import java.util.List;

import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.openai.Fields;
import org.terroir.web.internal.openai.Tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Anthropic Messages request bodies ({@code POST /v1/messages}), validated and turned into the api's values. */
final class AnthropicRequests {
    /** Most stop sequences accepted (each is looked for after every token). */
    static final int MAX_STOP = 16;
    static final int MAX_STOP_LENGTH = 256;

    private AnthropicRequests() {
    }

    record Call(String model, int maxTokens, boolean stream, GenerationRequest request) {
    }

    static Call parse(JsonObject body, boolean countOnly) {
        String model = Fields.requiredString(body, "model");
        Integer maxTokens = Fields.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null && !countOnly) {
            throw ApiError.badRequest("missing_required_parameter", "max_tokens",
                    Texts.get("error.anthropic.maxTokens"));
        }
        List<ChatMessage> messages = new ArrayList<>();
        String system = system(body);
        if (!system.isEmpty()) {
            messages.add(ChatMessage.system(system));
        }
        JsonArray array = Fields.array(body, "messages");
        if (array.isEmpty()) {
            throw ApiError.badRequest("invalid_value", "messages", Texts.get("error.messages.empty"));
        }
        for (int i = 0; i < array.size(); i++) {
            message(array.get(i), "messages[" + i + "]", messages);
        }
        Sampling sampling = Sampling.defaults();
        sampling = Fields.temperatureAndTopP(body, sampling, 1);
        Integer topK = Fields.integer(body, "top_k", 0, Fields.MAX_TOP_K);
        if (topK != null) {
            sampling = sampling.withTopK(topK);
        }
        List<String> stop = Fields.strings(body, "stop_sequences", MAX_STOP);
        for (String s : stop) {
            if (s.isEmpty() || s.length() > MAX_STOP_LENGTH) {
                throw ApiError.badRequest("invalid_value", "stop_sequences",
                        Texts.get("error.stop.long", MAX_STOP_LENGTH));
            }
        }
        sampling = sampling.withStop(stop).withMaxTokens(maxTokens == null ? 1 : maxTokens);
        List<ToolDefinition> tools = tools(body);
        ToolChoice choice = Tools.choice(body, "tool_choice", tools);
        GenerationRequest request = GenerationRequest.chat(messages, sampling);
        if (!tools.isEmpty()) {
            request = request.withTools(tools, choice);
        }
        return new Call(model, maxTokens == null ? 1 : maxTokens, Fields.bool(body, "stream", false), request);
    }

    /** {@code system}: a string or text blocks. */
    private static String system(JsonObject body) {
        if (!Fields.present(body, "system")) {
            return "";
        }
        JsonElement e = body.get("system");
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        if (!e.isJsonArray()) {
            throw Fields.wrongType("system", "string or array of text blocks");
        }
        StringBuilder text = new StringBuilder();
        JsonArray blocks = e.getAsJsonArray();
        for (int i = 0; i < blocks.size(); i++) {
            JsonObject b = block(blocks.get(i), "system[" + i + "]");
            String type = Fields.string(b, "type", "text");
            if (!type.equals("text")) {
                throw ApiError.badRequest("invalid_value", "system[" + i + "].type",
                        Texts.get("error.anthropic.block", type));
            }
            text.append(Fields.string(b, "text", ""));
        }
        return text.toString();
    }

    /**
     * One message: user or assistant, content a string or blocks (text, tool_use on the assistant's side, tool_result
     * on the user's). A user turn's tool results become tool turns, before any text it holds.
     */
    private static void message(JsonElement element, String where, List<ChatMessage> out) {
        JsonObject o = block(element, where);
        String role = Fields.required(o, "role", where);
        if (!role.equals("user") && !role.equals("assistant")) {
            throw ApiError.badRequest("invalid_value", where + ".role", Texts.get("error.role.any", role));
        }
        boolean user = role.equals("user");
        if (!Fields.present(o, "content")) {
            throw Fields.missing(where + ".content");
        }
        JsonElement content = o.get("content");
        if (content.isJsonPrimitive() && content.getAsJsonPrimitive().isString()) {
            out.add(user ? ChatMessage.user(content.getAsString()) : ChatMessage.assistant(content.getAsString()));
            return;
        }
        if (!content.isJsonArray()) {
            throw Fields.wrongType(where + ".content", "string or array of content blocks");
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        JsonArray blocks = content.getAsJsonArray();
        for (int i = 0; i < blocks.size(); i++) {
            String at = where + ".content[" + i + "]";
            JsonObject b = block(blocks.get(i), at);
            String type = Fields.string(b, "type", "text");
            switch (type) {
                case "text" -> text.append(Fields.string(b, "text", ""));
                case "tool_use" -> {
                    if (user) {
                        throw ApiError.badRequest("invalid_value", at + ".type", Texts.get("error.anthropic.block", type));
                    }
                    calls.add(new ToolCall(Fields.requiredString(b, "id"), Fields.requiredString(b, "name"),
                            Tools.arguments(b, "input", at + ".input")));
                }
                case "tool_result" -> {
                    if (!user) {
                        throw ApiError.badRequest("invalid_value", at + ".type", Texts.get("error.anthropic.block", type));
                    }
                    out.add(ChatMessage.tool(Fields.requiredString(b, "tool_use_id"), resultText(b, at)));
                }
                case "thinking", "redacted_thinking" -> {
                    // An earlier turn's reasoning: not given back to the model, as Anthropic's own API drops it.
                }
                default -> throw ApiError.badRequest("invalid_value", at + ".type",
                        Texts.get("error.anthropic.block", type));
            }
        }
        if (user) {
            if (text.length() > 0 || out.isEmpty() || out.get(out.size() - 1).role() != ChatMessage.Role.TOOL) {
                out.add(ChatMessage.user(text.toString()));
            }
        } else {
            out.add(ChatMessage.assistant(text.toString(), calls));
        }
    }

    /** A tool result's content: a string, or text blocks (an error result is said so in the text). */
    private static String resultText(JsonObject b, String where) {
        String prefix = Fields.bool(b, "is_error", false) ? "Error: " : "";
        if (!Fields.present(b, "content")) {
            return prefix;
        }
        JsonElement c = b.get("content");
        if (c.isJsonPrimitive() && c.getAsJsonPrimitive().isString()) {
            return prefix + c.getAsString();
        }
        if (!c.isJsonArray()) {
            throw Fields.wrongType(where + ".content", "string or array of text blocks");
        }
        StringBuilder text = new StringBuilder(prefix);
        for (JsonElement part : c.getAsJsonArray()) {
            JsonObject p = block(part, where + ".content");
            String type = Fields.string(p, "type", "text");
            if (!type.equals("text")) {
                throw ApiError.badRequest("invalid_value", where + ".content", Texts.get("error.anthropic.block", type));
            }
            text.append(Fields.string(p, "text", ""));
        }
        return text.toString();
    }

    /** {@code tools}: {@code [{name, description, input_schema}]}; server tools (with a {@code type}) refused. */
    private static List<ToolDefinition> tools(JsonObject body) {
        if (!Fields.present(body, "tools")) {
            return List.of();
        }
        JsonArray array = Fields.array(body, "tools");
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String where = "tools[" + i + "]";
            JsonObject t = block(array.get(i), where);
            String type = Fields.string(t, "type", "custom");
            if (!type.equals("custom")) {
                throw ApiError.badRequest("unsupported_value", where + ".type", Texts.get("error.tool.type", where + ".type", type));
            }
            tools.add(Tools.definition(t, "input_schema", where));
        }
        return Tools.checked(tools, "tools");
    }

    private static JsonObject block(JsonElement e, String where) {
        if (e == null || !e.isJsonObject()) {
            throw Fields.wrongType(where, "object");
        }
        return e.getAsJsonObject();
    }
}

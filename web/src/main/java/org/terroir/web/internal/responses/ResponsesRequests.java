package org.terroir.web.internal.responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.ResponseFormat;
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

/** OpenAI Responses request bodies ({@code POST /v1/responses}), validated and turned into the api's values. */
final class ResponsesRequests {
    private ResponsesRequests() {
    }

    /**
     * A call. {@code input} holds this request's turns only (without {@code instructions} and without the turns of
     * {@code previousResponseId}, which the servlet puts before them).
     */
    record Call(String model, String instructions, List<ChatMessage> input, Integer maxOutputTokens,
            Sampling sampling, boolean stream, boolean store, String previousResponseId, List<ToolDefinition> tools,
            ToolChoice toolChoice, boolean parallelToolCalls, ResponseFormat format, JsonObject echo, int logprobs) {
    }

    /** The {@code include} value that asks for the output text's log probabilities. */
    static final String INCLUDE_LOGPROBS = "message.output_text.logprobs";

    /**
     * {@code include: ["message.output_text.logprobs"]} or {@code top_logprobs} (0–20) above 0: each output token's
     * log probability with that many alternatives; -1 when neither asks. Other {@code include} values change
     * nothing (they name data this server does not keep).
     */
    static int logprobs(JsonObject body) {
        Integer top = Fields.integer(body, "top_logprobs", 0, org.terroir.api.inference.GenerationRequest.MAX_TOP_LOGPROBS);
        boolean included = false;
        if (Fields.present(body, "include")) {
            included = Fields.strings(body, "include", 64).contains(INCLUDE_LOGPROBS);
        }
        return included || top != null && top > 0 ? (top == null ? 0 : top) : -1;
    }

    static Call parse(JsonObject body) {
        String model = Fields.requiredString(body, "model");
        if (!Fields.present(body, "input")) {
            throw Fields.missing("input");
        }
        List<ChatMessage> input = input(body.get("input"));
        Integer maxOutput = Fields.integer(body, "max_output_tokens", 1, Integer.MAX_VALUE);
        Sampling sampling = Sampling.defaults();
        sampling = Fields.temperatureAndTopP(body, sampling, 2);
        List<ToolDefinition> tools = tools(body);
        ToolChoice choice = Tools.choice(body, "tool_choice", tools);
        ResponseFormat format = ResponseFormat.TEXT;
        if (Fields.present(body, "text")) {
            JsonElement text = body.get("text");
            if (!text.isJsonObject()) {
                throw Fields.wrongType("text", "object");
            }
            JsonObject t = text.getAsJsonObject();
            if (Fields.present(t, "format")) {
                if (!t.get("format").isJsonObject()) {
                    throw Fields.wrongType("text.format", "object");
                }
                format = Tools.format(t.getAsJsonObject("format"), "text.format");
            }
        }
        String previous = Fields.string(body, "previous_response_id", null);
        String instructions = Fields.string(body, "instructions", null);
        if (Fields.present(body, "background") && Fields.bool(body, "background", false)) {
            throw ApiError.badRequest("unsupported_parameter", "background", Texts.get("error.unsupported", "background"));
        }
        JsonObject echo = new JsonObject();
        for (String f : List.of("tools", "tool_choice", "text", "metadata")) {
            if (Fields.present(body, f)) {
                echo.add(f, body.get(f));
            }
        }
        return new Call(model, instructions, input, maxOutput, sampling, Fields.bool(body, "stream", false),
                Fields.bool(body, "store", true), previous, tools, choice, Fields.bool(body, "parallel_tool_calls", true),
                format, echo, logprobs(body));
    }

    /** {@code input}: a string (one user turn) or items: messages, function calls and their outputs. */
    private static List<ChatMessage> input(JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return List.of(ChatMessage.user(e.getAsString()));
        }
        if (!e.isJsonArray()) {
            throw Fields.wrongType("input", "string or array of items");
        }
        JsonArray items = e.getAsJsonArray();
        if (items.isEmpty()) {
            throw ApiError.badRequest("invalid_value", "input", Texts.get("error.field.empty", "input"));
        }
        List<ChatMessage> out = new ArrayList<>();
        List<ToolCall> pending = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String where = "input[" + i + "]";
            if (!items.get(i).isJsonObject()) {
                throw Fields.wrongType(where, "object");
            }
            JsonObject item = items.get(i).getAsJsonObject();
            String type = Fields.string(item, "type", "message");
            switch (type) {
                case "message" -> {
                    flush(out, pending);
                    out.add(message(item, where));
                }
                case "function_call" -> pending.add(new ToolCall(Fields.requiredString(item, "call_id"),
                        Fields.requiredString(item, "name"), Tools.arguments(item, "arguments", where + ".arguments")));
                case "function_call_output" -> {
                    flush(out, pending);
                    String output = Fields.present(item, "output") && item.get("output").isJsonPrimitive()
                            ? item.get("output").getAsString()
                            : Fields.present(item, "output") ? item.get("output").toString() : "";
                    out.add(ChatMessage.tool(Fields.requiredString(item, "call_id"), output));
                }
                case "reasoning" -> {
                    // An earlier answer's reasoning summary: not given back to the model.
                }
                default -> throw ApiError.badRequest("invalid_value", where + ".type",
                        Texts.get("error.anthropic.block", type));
            }
        }
        flush(out, pending);
        return out;
    }

    /** Function calls given as items become one assistant turn (merged into the assistant text just before). */
    private static void flush(List<ChatMessage> out, List<ToolCall> pending) {
        if (pending.isEmpty()) {
            return;
        }
        String text = "";
        if (!out.isEmpty() && out.get(out.size() - 1).role() == ChatMessage.Role.ASSISTANT
                && out.get(out.size() - 1).toolCalls().isEmpty()) {
            text = out.remove(out.size() - 1).content();
        }
        out.add(ChatMessage.assistant(text, List.copyOf(pending)));
        pending.clear();
    }

    private static ChatMessage message(JsonObject item, String where) {
        String role = Fields.required(item, "role", where);
        ChatMessage.Role parsed = switch (role.toLowerCase(Locale.ROOT)) {
            case "system", "developer" -> ChatMessage.Role.SYSTEM;
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            default -> throw ApiError.badRequest("invalid_value", where + ".role", Texts.get("error.role.any", role));
        };
        if (!Fields.present(item, "content")) {
            throw Fields.missing(where + ".content");
        }
        JsonElement c = item.get("content");
        if (c.isJsonPrimitive() && c.getAsJsonPrimitive().isString()) {
            return new ChatMessage(parsed, c.getAsString());
        }
        if (!c.isJsonArray()) {
            throw Fields.wrongType(where + ".content", "string or array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonElement part : c.getAsJsonArray()) {
            if (!part.isJsonObject()) {
                throw Fields.wrongType(where + ".content", "string or array of text parts");
            }
            JsonObject p = part.getAsJsonObject();
            String type = Fields.string(p, "type", "input_text");
            if (!List.of("input_text", "output_text", "text").contains(type)) {
                throw ApiError.badRequest("invalid_value", where + ".content", Texts.get("error.part", type));
            }
            text.append(Fields.string(p, "text", ""));
        }
        return new ChatMessage(parsed, text.toString());
    }

    /** Function tools ({@code {type:"function", name, description, parameters}}); built-in tools refused. */
    private static List<ToolDefinition> tools(JsonObject body) {
        if (!Fields.present(body, "tools")) {
            return List.of();
        }
        JsonArray array = Fields.array(body, "tools");
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String where = "tools[" + i + "]";
            if (!array.get(i).isJsonObject()) {
                throw Fields.wrongType(where, "object");
            }
            JsonObject t = array.get(i).getAsJsonObject();
            String type = Fields.string(t, "type", "function");
            if (!type.equals("function")) {
                throw ApiError.badRequest("unsupported_value", where + ".type", Texts.get("error.tool.type", where + ".type", type));
            }
            tools.add(Tools.definition(t, "parameters", where));
        }
        return Tools.checked(tools, "tools");
    }
}

package org.terroir.web.internal.openai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Tool definitions, tool choices, tool calls and response formats as the API dialects write them (OpenAI chat,
 * OpenAI Responses, Anthropic), validated and turned into the api's values. Each bad value is a 400 naming its field.
 */
public final class Tools {
    /** OpenAI's limit on tools per request. */
    public static final int MAX_TOOLS = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Tools() {
    }

    /** OpenAI chat's {@code tools}: {@code [{type:"function", function:{name, description, parameters}}]}. */
    public static List<ToolDefinition> definitions(JsonObject body, String field) {
        if (!Fields.present(body, field)) {
            return List.of();
        }
        JsonArray array = Fields.array(body, field);
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String where = field + "[" + i + "]";
            JsonObject tool = object(array.get(i), where);
            String type = Fields.string(tool, "type", "function");
            if (!type.equals("function")) {
                throw ApiError.badRequest("unsupported_value", where + ".type",
                        Texts.get("error.tool.type", where + ".type", type));
            }
            if (!Fields.present(tool, "function")) {
                throw Fields.missing(where + ".function");
            }
            JsonObject f = object(tool.get("function"), where + ".function");
            tools.add(definition(f, "parameters", where + ".function"));
        }
        return checked(tools, field);
    }

    /**
     * One function from an object holding {@code name}, {@code description} and its schema under
     * {@code schemaField} ({@code parameters} for OpenAI, {@code input_schema} for Anthropic).
     */
    public static ToolDefinition definition(JsonObject f, String schemaField, String where) {
        String name = Fields.present(f, "name") ? Fields.string(f, "name", null) : null;
        if (name == null) {
            throw Fields.missing(where + ".name");
        }
        if (!NAME.matcher(name).matches()) {
            throw ApiError.badRequest("invalid_value", where + ".name", Texts.get("error.tool.name", name));
        }
        String description = Fields.string(f, "description", "");
        String schema = null;
        if (Fields.present(f, schemaField)) {
            schema = object(f.get(schemaField), where + "." + schemaField).toString();
        }
        return new ToolDefinition(name, description, schema);
    }

    /** At most {@link #MAX_TOOLS}, names unique. */
    public static List<ToolDefinition> checked(List<ToolDefinition> tools, String field) {
        if (tools.size() > MAX_TOOLS) {
            throw ApiError.badRequest("invalid_value", field, Texts.get("error.field.tooMany", field, MAX_TOOLS));
        }
        Set<String> names = new HashSet<>();
        for (ToolDefinition t : tools) {
            if (!names.add(t.name())) {
                throw ApiError.badRequest("invalid_value", field, Texts.get("error.tool.duplicate", t.name()));
            }
        }
        return tools;
    }

    /**
     * {@code tool_choice}: {@code "auto"}, {@code "none"}, {@code "required"} (Anthropic's {@code "any"} too), or an
     * object naming one function — OpenAI chat's {@code {type:"function", function:{name}}}, the Responses API's
     * {@code {type:"function", name}}, Anthropic's {@code {type:"tool", name}} and {@code {type:"auto"|"any"|"none"}}.
     * A function must be one of {@code tools}; a choice that needs a call needs tools.
     */
    public static ToolChoice choice(JsonObject body, String field, List<ToolDefinition> tools) {
        if (!Fields.present(body, field)) {
            return ToolChoice.AUTO;
        }
        JsonElement e = body.get(field);
        ToolChoice choice;
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            choice = mode(e.getAsString(), field);
        } else if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            String type = Fields.string(o, "type", "function");
            if (type.equals("function") || type.equals("tool")) {
                String name = Fields.present(o, "function")
                        ? Fields.string(object(o.get("function"), field + ".function"), "name", null)
                        : Fields.string(o, "name", null);
                if (name == null) {
                    throw Fields.missing(field + ".function.name");
                }
                if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                    throw ApiError.badRequest("invalid_value", field, Texts.get("error.tool.unknown", name));
                }
                choice = ToolChoice.function(name);
            } else {
                choice = mode(type, field);
            }
        } else {
            throw Fields.wrongType(field, "string or object");
        }
        if (tools.isEmpty() && (choice.mode() == ToolChoice.Mode.REQUIRED || choice.mode() == ToolChoice.Mode.FUNCTION)) {
            throw ApiError.badRequest("invalid_value", field, Texts.get("error.tool.none"));
        }
        return choice;
    }

    private static ToolChoice mode(String value, String field) {
        return switch (value) {
            case "auto" -> ToolChoice.AUTO;
            case "none" -> ToolChoice.NONE;
            case "required", "any" -> ToolChoice.REQUIRED;
            default -> throw ApiError.badRequest("invalid_value", field, Texts.get("error.tool.choice", value));
        };
    }

    /** An assistant turn's {@code tool_calls}: {@code [{id, type:"function", function:{name, arguments}}]}. */
    public static List<ToolCall> calls(JsonArray array, String where) {
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = where + "[" + i + "]";
            JsonObject call = object(array.get(i), at);
            String id = Fields.requiredString(call, "id");
            if (!Fields.present(call, "function")) {
                throw Fields.missing(at + ".function");
            }
            JsonObject f = object(call.get("function"), at + ".function");
            String name = Fields.requiredString(f, "name");
            calls.add(new ToolCall(id, name, arguments(f, "arguments", at + ".function.arguments")));
        }
        return calls;
    }

    /** Arguments as JSON text: a string holding a JSON object (OpenAI) or an object (Anthropic's {@code input}). */
    public static String arguments(JsonObject o, String field, String where) {
        if (!Fields.present(o, field)) {
            return "{}";
        }
        JsonElement e = o.get(field);
        if (e.isJsonObject()) {
            return e.toString();
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            String text = e.getAsString();
            if (text.isBlank()) {
                return "{}";
            }
            try {
                return object(com.google.gson.JsonParser.parseString(text), where).toString();
            } catch (com.google.gson.JsonParseException x) {
                throw ApiError.badRequest("invalid_value", where, Texts.get("error.tool.arguments"));
            }
        }
        throw Fields.wrongType(where, "string holding a JSON object");
    }

    /**
     * A response format: {@code {type:"text"|"json_object"|"json_schema", json_schema:{name, schema, strict}}} (chat)
     * or the same with name, schema and strict beside {@code type} (the Responses API's {@code text.format}).
     */
    public static ResponseFormat format(JsonObject f, String where) {
        String type = Fields.string(f, "type", "text");
        switch (type) {
            case "text":
                return ResponseFormat.TEXT;
            case "json_object":
                return ResponseFormat.JSON_OBJECT;
            case "json_schema":
                JsonObject spec = Fields.present(f, "json_schema") ? object(f.get("json_schema"), where + ".json_schema")
                        : f;
                String at = spec == f ? where : where + ".json_schema";
                if (!Fields.present(spec, "schema")) {
                    throw Fields.missing(at + ".schema");
                }
                JsonObject schema = object(spec.get("schema"), at + ".schema");
                return ResponseFormat.jsonSchema(Fields.string(spec, "name", null), schema.toString(),
                        Fields.bool(spec, "strict", false));
            default:
                throw ApiError.badRequest("unsupported_value", where, Texts.get("error.format.unknown", where, type));
        }
    }

    static JsonObject object(JsonElement e, String where) {
        if (e == null || !e.isJsonObject()) {
            throw Fields.wrongType(where, "object");
        }
        return e.getAsJsonObject();
    }
}

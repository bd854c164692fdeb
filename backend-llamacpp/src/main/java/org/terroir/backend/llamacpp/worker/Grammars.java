package org.terroir.backend.llamacpp.worker;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.terroir.backend.llamacpp.protocol.Message;
import org.terroir.template.grammar.ToolCallGrammar;
import org.terroir.template.tools.ToolCallParser;
import org.terroir.template.grammar.GrammarException;
import org.terroir.template.grammar.JsonSchemaGrammar;

/** The GBNF grammar a Generate's format asks for (chat-template's converter), or null for free text. */
final class Grammars {
    private Grammars() {
    }

    /** @throws WorkerFailure with the converter's {@code schema.*} code when a schema cannot be a grammar */
    static String grammar(int format, String schema) {
        switch (format) {
            case Message.Generate.FORMAT_TEXT:
                return null;
            case Message.Generate.FORMAT_JSON_OBJECT:
                return JsonSchemaGrammar.jsonObject();
            case Message.Generate.FORMAT_JSON_SCHEMA:
                try {
                    return JsonSchemaGrammar.fromSchema(schema);
                } catch (GrammarException e) {
                    throw new WorkerFailure(e.code(), e.args().toArray(new String[0]));
                }
            case Message.Generate.FORMAT_GRAMMAR:
                if (schema == null || schema.isBlank()) {
                    throw new WorkerFailure("grammar.invalid", "");
                }
                return schema;
            default:
                throw new WorkerFailure("format.unknown", String.valueOf(format));
        }
    }

    /**
     * For {@code tool_choice} required or {@code function:NAME}: a grammar of that family's call syntax, or null
     * for auto. A family without a call grammar fails the request ({@code tools.choice}).
     */
    static String toolGrammar(ToolCallParser.Format format, String toolsJson, String choice, String template) {
        if (choice == null || choice.isEmpty() || choice.equals("auto")) {
            return null;
        }
        List<ToolCallGrammar.Tool> tools = new ArrayList<>();
        for (JsonElement t : JsonParser.parseString(toolsJson).getAsJsonArray()) {
            JsonObject tool = t.getAsJsonObject();
            String name = tool.get("name").getAsString();
            if (!choice.startsWith("function:") || choice.substring("function:".length()).equals(name)) {
                tools.add(new ToolCallGrammar.Tool(name, tool.get("parameters").getAsString()));
            }
        }
        if (tools.isEmpty()) {
            throw new WorkerFailure("tools.unknown", choice.substring(choice.indexOf(':') + 1));
        }
        if (!ToolCallGrammar.supports(format)) {
            throw new WorkerFailure("tools.choice", format.name().toLowerCase(java.util.Locale.ROOT));
        }
        try {
            return ToolCallGrammar.forCalls(format, tools, template);
        } catch (GrammarException e) {
            throw new WorkerFailure(e.code(), e.args().toArray(new String[0]));
        }
    }

    /** A short quote of a grammar for an error message. */
    static String firstLine(String grammar) {
        String line = grammar.strip().lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "…" : line;
    }
}

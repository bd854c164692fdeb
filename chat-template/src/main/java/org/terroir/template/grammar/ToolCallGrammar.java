package org.terroir.template.grammar;

import com.google.gson.Gson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.terroir.template.tools.ToolCallParser.Format;

/**
 * A grammar that makes a model call one of the given tools in its family's syntax, with arguments valid against
 * the tool's parameters schema: for {@code tool_choice} {@code required} or a named function. Families covered:
 * {@link Format#HERMES} ({@code <tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>}, one call),
 * {@link Format#LLAMA3} ({@code {"name": ..., "parameters": ...}}), {@link Format#MISTRAL} ({@code [TOOL_CALLS]}
 * then {@code [{"name": ..., "arguments": ...}]}, or {@code NAME[ARGS]{...}} when the template teaches that newer
 * form), {@link Format#GRANITE} ({@code <|tool_call|>[{"name": ..., "arguments": ...}]}) and {@link Format#HARMONY}
 * ({@code <|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{...}}, the model then ends the
 * message with its end-of-generation {@code <|call|>}); {@link #supports} says which. Each forces exactly one call.
 * The markers are written as text: llama.cpp's grammar matches a control token by its text, so a model may spell
 * them with its control token or piece by piece, and the parser reads both.
 */
public final class ToolCallGrammar {
    /** A tool: its name and its parameters' JSON Schema (null or blank: any object). */
    public record Tool(String name, String parametersJson) {
    }

    private static final Gson GSON = new Gson();

    private ToolCallGrammar() {
    }

    public static boolean supports(Format format) {
        return format != Format.NONE;
    }

    /** @throws GrammarException when a parameters schema cannot be a grammar, or the family is not supported */
    public static String forCalls(Format format, List<Tool> tools) {
        return forCalls(format, tools, null);
    }

    /**
     * The same, with the chat template's text (may be null): for Mistral, a template that renders {@code [ARGS]}
     * teaches the {@code [TOOL_CALLS]NAME[ARGS]{...}} form, others the JSON array.
     *
     * @throws GrammarException when a parameters schema cannot be a grammar, or the family is not supported
     */
    public static String forCalls(Format format, List<Tool> tools, String template) {
        if (!supports(format) || tools.isEmpty()) {
            throw new GrammarException(GrammarException.UNSUPPORTED, "Tool calls cannot be enforced for "
                    + format, "tool_choice", String.valueOf(format));
        }
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("root", "");
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            Tool tool = tools.get(i);
            String schema = tool.parametersJson() == null || tool.parametersJson().isBlank()
                    ? "{\"type\":\"object\"}" : tool.parametersJson();
            String args = "t" + i + "-args";
            for (Map.Entry<String, String> rule : JsonSchemaGrammar.rules(schema, args, "t" + i + "-").entrySet()) {
                rules.putIfAbsent(rule.getKey(), rule.getValue());
            }
            String name = JsonSchemaGrammar.literal(GSON.toJson(tool.name()));
            String bare = JsonSchemaGrammar.literal(tool.name());
            switch (format) {
                case HERMES -> alternatives.add(JsonSchemaGrammar.literal("<tool_call>\n{\"name\": ") + " " + name
                        + " " + JsonSchemaGrammar.literal(", \"arguments\": ") + " " + args + " "
                        + JsonSchemaGrammar.literal("}\n</tool_call>"));
                case LLAMA3 -> alternatives.add(JsonSchemaGrammar.literal("{\"name\": ") + " " + name + " "
                        + JsonSchemaGrammar.literal(", \"parameters\": ") + " " + args + " "
                        + JsonSchemaGrammar.literal("}"));
                case MISTRAL -> alternatives.add(template != null && template.contains("[ARGS]")
                        ? JsonSchemaGrammar.literal("[TOOL_CALLS]") + " " + bare + " "
                                + JsonSchemaGrammar.literal("[ARGS]") + " " + args
                        : JsonSchemaGrammar.literal("[TOOL_CALLS][{\"name\": ") + " " + name + " "
                                + JsonSchemaGrammar.literal(", \"arguments\": ") + " " + args + " "
                                + JsonSchemaGrammar.literal("}]"));
                case GRANITE -> alternatives.add(JsonSchemaGrammar.literal("<|tool_call|>[{\"name\": ") + " " + name
                        + " " + JsonSchemaGrammar.literal(", \"arguments\": ") + " " + args + " "
                        + JsonSchemaGrammar.literal("}]"));
                case HARMONY -> alternatives.add(JsonSchemaGrammar.literal("<|channel|>commentary to=functions.")
                        + " " + bare + " " + JsonSchemaGrammar.literal(" <|constrain|>json<|message|>") + " " + args);
                default -> throw new IllegalStateException(String.valueOf(format));
            }
        }
        rules.put("root", "(" + String.join(") | (", alternatives) + ")");
        StringBuilder out = new StringBuilder();
        rules.forEach((k, v) -> out.append(k).append(" ::= ").append(v).append('\n'));
        return out.toString();
    }
}

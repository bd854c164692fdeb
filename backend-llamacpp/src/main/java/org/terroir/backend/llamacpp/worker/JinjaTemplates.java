package org.terroir.backend.llamacpp.worker;

import java.util.List;

import org.terroir.backend.llamacpp.protocol.Message;
import org.terroir.template.ChatTemplate;
import org.terroir.template.RenderInput;
import org.terroir.template.TemplateException;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonObject;

/**
 * The model's own Jinja chat template, rendered as Hugging Face does by the chat-template library (the unmodified
 * {@code @huggingface/jinja} under GraalJS), within its time and size limits.
 */
final class JinjaTemplates {
    private final ChatTemplate template;
    private final String bos;
    private final String eos;

    private JinjaTemplates(ChatTemplate template, String bos, String eos) {
        this.template = template;
        this.bos = bos;
        this.eos = eos;
    }

    /** Null, with one log line, when the template does not even parse: the built-in templates serve instead. */
    static JinjaTemplates create(String source, String bos, String eos) {
        try {
            return new JinjaTemplates(ChatTemplate.compile(source), bos, eos);
        } catch (TemplateException e) {
            System.err.println("terroir: the model's chat template does not parse (" + e.code() + ": "
                    + e.templateMessage() + "); using llama.cpp's built-in template instead");
            return null;
        } catch (LinkageError e) {
            System.err.println("terroir: no Jinja renderer (" + e + "); using llama.cpp's built-in templates");
            return null;
        }
    }

    String render(List<Message.Turn> turns, String toolsJson) {
        JsonArray messages = new JsonArray();
        for (Message.Turn turn : turns) {
            JsonObject m = new JsonObject();
            m.addProperty("role", turn.role());
            m.addProperty("content", turn.content());
            if (turn.toolCallsJson() != null && !turn.toolCallsJson().isEmpty()) {
                // Hugging Face's shape: {"id", "type": "function", "function": {"name", "arguments": {...}}}
                JsonArray calls = new JsonArray();
                for (JsonElement c : JsonParser.parseString(turn.toolCallsJson()).getAsJsonArray()) {
                    JsonObject call = c.getAsJsonObject();
                    JsonObject function = new JsonObject();
                    function.add("name", call.get("name"));
                    function.add("arguments", parsedOr(call.get("arguments").getAsString()));
                    JsonObject hf = new JsonObject();
                    hf.add("id", call.get("id"));
                    hf.addProperty("type", "function");
                    hf.add("function", function);
                    calls.add(hf);
                }
                m.add("tool_calls", calls);
            }
            if (turn.toolCallId() != null && !turn.toolCallId().isEmpty()) {
                m.addProperty("tool_call_id", turn.toolCallId());
            }
            messages.add(m);
        }
        String tools = null;
        if (toolsJson != null && !toolsJson.isEmpty()) {
            JsonArray hfTools = new JsonArray();
            for (JsonElement t : JsonParser.parseString(toolsJson).getAsJsonArray()) {
                JsonObject tool = t.getAsJsonObject();
                JsonObject function = new JsonObject();
                function.add("name", tool.get("name"));
                function.add("description", tool.get("description"));
                function.add("parameters", parsedOr(tool.get("parameters").getAsString()));
                JsonObject hf = new JsonObject();
                hf.addProperty("type", "function");
                hf.add("function", function);
                hfTools.add(hf);
            }
            tools = hfTools.toString();
        }
        try {
            return template.render(RenderInput.builder(messages.toString()).tools(tools).addGenerationPrompt(true)
                    .bosToken(bos.isEmpty() ? null : bos).eosToken(eos.isEmpty() ? null : eos).build());
        } catch (TemplateException e) {
            throw new WorkerFailure(e.code(), e.templateMessage() == null ? "" : e.templateMessage());
        }
    }

    /** JSON text as a value (an object for the template to iterate), or the text itself when it is not JSON. */
    private static JsonElement parsedOr(String json) {
        try {
            return JsonParser.parseString(json);
        } catch (com.google.gson.JsonParseException e) {
            return new JsonPrimitive(json);
        }
    }
}

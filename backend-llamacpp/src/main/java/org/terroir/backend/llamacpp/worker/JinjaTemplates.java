package org.terroir.backend.llamacpp.worker;

import java.util.List;

import org.terroir.backend.llamacpp.protocol.Message;
import org.terroir.template.ChatTemplate;
import org.terroir.template.RenderInput;
import org.terroir.template.TemplateException;

import com.google.gson.JsonArray;
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

    String render(List<Message.Turn> turns) {
        JsonArray messages = new JsonArray();
        for (Message.Turn turn : turns) {
            JsonObject m = new JsonObject();
            m.addProperty("role", turn.role());
            m.addProperty("content", turn.content());
            messages.add(m);
        }
        try {
            return template.render(RenderInput.builder(messages.toString()).addGenerationPrompt(true)
                    .bosToken(bos.isEmpty() ? null : bos).eosToken(eos.isEmpty() ? null : eos).build());
        } catch (TemplateException e) {
            throw new WorkerFailure(e.code(), e.templateMessage() == null ? "" : e.templateMessage());
        }
    }
}

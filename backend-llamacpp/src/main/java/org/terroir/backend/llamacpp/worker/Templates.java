package org.terroir.backend.llamacpp.worker;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.terroir.backend.llamacpp.protocol.Message;
import org.terroir.backend.llamacpp.worker.capi.ChatMessage;
import org.terroir.backend.llamacpp.worker.capi.LlamaApi;

/**
 * Formats a conversation for the model: with the model's own Jinja template (rendered as Hugging Face does, see
 * {@link JinjaTemplates}), and, when that template cannot be rendered, with llama.cpp's built-in templates, which
 * recognise about fifty template families by their markers. The fallback is logged once per model.
 */
final class Templates {
    private final LlamaApi api;
    private final String source;
    private final String bos;
    private final String eos;
    private final boolean useJinja;
    // Made on first use, by the one thread that renders (NativeSession's preparer).
    private JinjaTemplates jinja;
    private boolean compiled;
    private boolean fallbackLogged;

    Templates(LlamaApi api, String source, String bos, String eos, boolean useJinja) {
        this.api = api;
        this.source = source;
        this.bos = bos;
        this.eos = eos;
        this.useJinja = useJinja && source != null && !source.isBlank();
    }

    /** Compiles the model's template now (the first render would otherwise pay for it). */
    void warm() {
        if (!compiled) {
            compiled = true;
            jinja = useJinja ? JinjaTemplates.create(source, bos, eos) : null;
        }
    }

    /** The model's template text (null or blank when it has none). */
    String source() {
        return source;
    }

    String render(List<Message.Turn> turns) {
        return render(turns, "");
    }

    /** With tools (a Generate's toolsJson): only the model's own template can show them. */
    String render(List<Message.Turn> turns, String toolsJson) {
        warm();
        boolean tools = toolsJson != null && !toolsJson.isEmpty();
        if (tools && jinja == null) {
            throw new WorkerFailure("tools.template");
        }
        if (jinja != null) {
            try {
                return jinja.render(turns, toolsJson);
            } catch (WorkerFailure e) {
                if (tools) {
                    throw e;
                }
                if (!fallbackLogged) {
                    fallbackLogged = true;
                    System.err.println("terroir: the model's chat template failed (" + e.code() + " "
                            + String.join(" ", e.args()) + "); using llama.cpp's built-in template instead");
                }
            }
        }
        return builtIn(turns);
    }

    boolean startsWithBos(String text) {
        return !bos.isEmpty() && text.startsWith(bos);
    }

    private String builtIn(List<Message.Turn> turns) {
        ChatMessage[] messages = (ChatMessage[]) new ChatMessage().toArray(Math.max(1, turns.size()));
        long chars = 0;
        for (int i = 0; i < turns.size(); i++) {
            messages[i].role = turns.get(i).role();
            messages[i].content = turns.get(i).content();
            messages[i].write();
            chars += turns.get(i).content().length() + 64;
        }
        String template = source == null || source.isBlank() ? "chatml" : source;
        byte[] buf = new byte[(int) Math.min(Integer.MAX_VALUE - 16, chars * 2 + 256)];
        int n = api.llama_chat_apply_template(template, messages, turns.size(), (byte) 1, buf, buf.length);
        if (n > buf.length) {
            buf = new byte[n];
            n = api.llama_chat_apply_template(template, messages, turns.size(), (byte) 1, buf, buf.length);
        }
        if (n < 0) {
            throw new WorkerFailure("template.unknown");
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}

package org.terroir.backend.llamacpp.worker;

import java.util.List;

import org.terroir.backend.llamacpp.protocol.Message;

/** The model's own Jinja chat template, rendered by the chat-template library when it is on the class path. */
final class JinjaTemplates {
    private JinjaTemplates() {
    }

    static JinjaTemplates create(String source, String bos, String eos) {
        return null;
    }

    String render(List<Message.Turn> turns) {
        throw new WorkerFailure("template.unavailable");
    }
}

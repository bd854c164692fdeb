package org.terroir.backend.onnx.internal;

import java.util.ArrayList;
import java.util.List;

import org.terroir.api.inference.ChatMessage;

/**
 * Turns a conversation into the prompt text a model was trained on. Jinja is not evaluated: the template in
 * tokenizer_config.json is recognised by its markers and rendered by the matching Java formatter (ChatML,
 * Llama 3, Gemma, Phi-3, Zephyr, Mistral/Llama 2 [INST]). A template of another shape, or none, falls back to
 * plain "role: content" lines, which any model can continue.
 */
enum ChatFormat {
    CHATML("<|im_end|>"), LLAMA3("<|eot_id|>"), GEMMA("<end_of_turn>"), PHI3("<|end|>"), ZEPHYR(null), INST(null),
    PLAIN(null);

    /** A token that ends the assistant's turn in this format (besides the model's eos), or null. */
    final String endOfTurn;

    ChatFormat(String endOfTurn) {
        this.endOfTurn = endOfTurn;
    }

    static ChatFormat of(String template) {
        if (template == null || template.isBlank()) {
            return PLAIN;
        }
        if (template.contains("<|im_start|>")) {
            return CHATML;
        }
        if (template.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        if (template.contains("<start_of_turn>")) {
            return GEMMA;
        }
        if (template.contains("<|user|>") && template.contains("<|end|>")) {
            return PHI3;
        }
        if (template.contains("<|user|>")) {
            return ZEPHYR;
        }
        if (template.contains("[INST]")) {
            return INST;
        }
        return PLAIN;
    }

    /** The prompt, ending where the assistant's answer starts. {@code bos}/{@code eos} may be null. */
    String render(List<ChatMessage> messages, String bos, String eos) {
        String b = bos == null ? "" : bos;
        String e = eos == null ? "" : eos;
        StringBuilder sb = new StringBuilder();
        switch (this) {
            case CHATML -> {
                for (ChatMessage m : messages) {
                    sb.append("<|im_start|>").append(m.role().wireName()).append('\n').append(m.content())
                            .append("<|im_end|>\n");
                }
                sb.append("<|im_start|>assistant\n");
            }
            case LLAMA3 -> {
                sb.append(b);
                for (ChatMessage m : messages) {
                    sb.append("<|start_header_id|>").append(m.role().wireName()).append("<|end_header_id|>\n\n")
                            .append(m.content().strip()).append("<|eot_id|>");
                }
                sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            case GEMMA -> {
                sb.append(b);
                for (ChatMessage m : mergeSystem(messages)) {
                    String role = m.role() == ChatMessage.Role.ASSISTANT ? "model" : "user";
                    sb.append("<start_of_turn>").append(role).append('\n').append(m.content().strip())
                            .append("<end_of_turn>\n");
                }
                sb.append("<start_of_turn>model\n");
            }
            case PHI3 -> {
                for (ChatMessage m : messages) {
                    sb.append("<|").append(m.role().wireName()).append("|>\n").append(m.content()).append("<|end|>\n");
                }
                sb.append("<|assistant|>\n");
            }
            case ZEPHYR -> {
                for (ChatMessage m : messages) {
                    sb.append("<|").append(m.role().wireName()).append("|>\n").append(m.content()).append(e)
                            .append('\n');
                }
                sb.append("<|assistant|>\n");
            }
            case INST -> {
                sb.append(b);
                for (ChatMessage m : mergeSystem(messages)) {
                    if (m.role() == ChatMessage.Role.ASSISTANT) {
                        sb.append(' ').append(m.content().strip()).append(e);
                    } else {
                        sb.append("[INST] ").append(m.content().strip()).append(" [/INST]");
                    }
                }
            }
            case PLAIN -> {
                for (ChatMessage m : messages) {
                    sb.append(m.role().wireName()).append(": ").append(m.content()).append('\n');
                }
                sb.append("assistant:");
            }
        }
        return sb.toString();
    }

    /** Formats without a system role put the system prompt in front of the first user turn. */
    private static List<ChatMessage> mergeSystem(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>();
        String system = null;
        for (ChatMessage m : messages) {
            if (m.role() == ChatMessage.Role.SYSTEM) {
                system = system == null ? m.content() : system + "\n" + m.content();
            } else if (system != null && m.role() == ChatMessage.Role.USER) {
                out.add(ChatMessage.user(system + "\n\n" + m.content()));
                system = null;
            } else {
                out.add(m);
            }
        }
        if (system != null) {
            out.add(ChatMessage.user(system));
        }
        return out;
    }
}

package org.terroir.api.inference;

import java.util.List;
import java.util.Objects;

/**
 * What to generate: either a conversation, formatted with the model's own chat template, or a raw prompt
 * continued as is.
 *
 * @param messages the conversation, or empty for a raw completion
 * @param prompt   the raw prompt, or {@code null} for a chat request
 * @param sampling sampling settings
 */
public record GenerationRequest(List<ChatMessage> messages, String prompt, Sampling sampling) {

    public GenerationRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
        Objects.requireNonNull(sampling, "sampling");
        if (messages.isEmpty() == (prompt == null)) {
            throw new IllegalArgumentException("a request has either messages or a prompt");
        }
    }

    public static GenerationRequest chat(List<ChatMessage> messages, Sampling sampling) {
        return new GenerationRequest(messages, null, sampling);
    }

    public static GenerationRequest completion(String prompt, Sampling sampling) {
        return new GenerationRequest(List.of(), prompt, sampling);
    }

    public boolean isChat() {
        return prompt == null;
    }
}

package org.terroir.api.chat;

import org.terroir.api.inference.Sampling;

/**
 * What a conversation is set up with. In {@link ChatService#create} and {@link ChatService#update} a null field
 * means "default" or "unchanged".
 *
 * @param title        what the user calls it
 * @param modelRef     the model to answer with (path or library name)
 * @param presetId     the preset it started from, e.g. {@code grammar}
 * @param systemPrompt the system prompt; when null on creation, the preset's prompt
 * @param sampling     sampling settings of its answers
 */
public record ConversationSettings(String title, String modelRef, String presetId, String systemPrompt,
        Sampling sampling) {

    public static ConversationSettings empty() {
        return new ConversationSettings(null, null, null, null, null);
    }

    public ConversationSettings withTitle(String value) {
        return new ConversationSettings(value, modelRef, presetId, systemPrompt, sampling);
    }

    public ConversationSettings withModelRef(String value) {
        return new ConversationSettings(title, value, presetId, systemPrompt, sampling);
    }

    public ConversationSettings withPresetId(String value) {
        return new ConversationSettings(title, modelRef, value, systemPrompt, sampling);
    }

    public ConversationSettings withSystemPrompt(String value) {
        return new ConversationSettings(title, modelRef, presetId, value, sampling);
    }

    public ConversationSettings withSampling(Sampling value) {
        return new ConversationSettings(title, modelRef, presetId, systemPrompt, value);
    }
}

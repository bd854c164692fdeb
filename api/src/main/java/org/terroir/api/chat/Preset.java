package org.terroir.api.chat;

import org.terroir.api.inference.Sampling;

/**
 * A ready-made way to start a conversation, in one language.
 *
 * @param id           stable id: built-in ones such as {@code assistant}, {@code grammar}, {@code summary},
 *                     {@code minutes}, {@code press-release}; a user preset's id is made from its name
 * @param name         short name
 * @param description  what it is for
 * @param systemPrompt the system prompt it sets
 * @param sampling     the sampling it suggests
 * @param category     the group it is listed under, in the preset's language (for example "Campaigns"); never null
 * @param example      a first message to start from, or the hint shown in an empty message box; never null
 * @since org.terroir.api.chat 1.2.0 (category and example)
 */
public record Preset(String id, String name, String description, String systemPrompt, Sampling sampling,
        String category, String example) {

    public Preset {
        category = category == null ? "" : category;
        example = example == null ? "" : example;
    }

    /** A preset with no category and no example (the shape of org.terroir.api.chat 1.1.0). */
    public Preset(String id, String name, String description, String systemPrompt, Sampling sampling) {
        this(id, name, description, systemPrompt, sampling, "", "");
    }

    public Preset withId(String value) {
        return new Preset(value, name, description, systemPrompt, sampling, category, example);
    }

    public Preset withName(String value) {
        return new Preset(id, value, description, systemPrompt, sampling, category, example);
    }

    public Preset withCategory(String value) {
        return new Preset(id, name, description, systemPrompt, sampling, value, example);
    }

    public Preset withExample(String value) {
        return new Preset(id, name, description, systemPrompt, sampling, category, value);
    }

    public Preset withSampling(Sampling value) {
        return new Preset(id, name, description, systemPrompt, value, category, example);
    }
}

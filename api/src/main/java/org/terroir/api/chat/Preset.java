package org.terroir.api.chat;

import org.terroir.api.inference.Sampling;

/**
 * A ready-made way to start a conversation, in one language.
 *
 * @param id           stable id: {@code assistant}, {@code grammar}, {@code summary}, {@code translation},
 *                     {@code email}, {@code brainstorm}
 * @param name         short name
 * @param description  what it is for
 * @param systemPrompt the system prompt it sets
 * @param sampling     the sampling it suggests
 */
public record Preset(String id, String name, String description, String systemPrompt, Sampling sampling) {
}

package org.terroir.api.chat;

import java.time.Instant;

import org.terroir.api.inference.Sampling;

/**
 * A conversation as stored.
 *
 * @param id           stable id
 * @param title        what the user calls it
 * @param modelRef     the model it answers with, or null when none was chosen yet
 * @param presetId     the preset it started from, or null
 * @param systemPrompt its system prompt (may be empty)
 * @param sampling     sampling settings of its answers
 * @param created      when it was created
 * @param updated      when it last changed
 * @param messageCount how many messages it holds
 */
public record Conversation(String id, String title, String modelRef, String presetId, String systemPrompt,
        Sampling sampling, Instant created, Instant updated, int messageCount) {
}

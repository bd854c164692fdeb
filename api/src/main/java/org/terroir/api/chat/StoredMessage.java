package org.terroir.api.chat;

import java.time.Instant;

import org.terroir.api.inference.ChatMessage;

/**
 * One message of a conversation as stored.
 *
 * @param id             stable id
 * @param conversationId its conversation
 * @param role           who said it
 * @param content        the text (for an answer cut short: what was saved of it)
 * @param created        when it was written
 * @param complete       false for an answer whose generation never ended (process killed, backend failed)
 * @param stats          statistics of an answer, or null for other messages and answers cut short
 * @param error          why an answer failed, or null
 */
public record StoredMessage(long id, String conversationId, ChatMessage.Role role, String content, Instant created,
        boolean complete, AnswerStats stats, String error) {

    public ChatMessage toChatMessage() {
        return new ChatMessage(role, content);
    }
}

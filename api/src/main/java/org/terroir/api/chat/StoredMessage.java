package org.terroir.api.chat;

import java.time.Instant;
import java.util.List;

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
 * @param citations      the passages of attached documents an answer was given with, numbered as the answer cites
 *                       them ({@code [1]}…); empty for other messages (since org.terroir.api.chat 1.2.0)
 */
public record StoredMessage(long id, String conversationId, ChatMessage.Role role, String content, Instant created,
        boolean complete, AnswerStats stats, String error, List<Citation> citations) {

    public StoredMessage {
        citations = citations == null ? List.of() : List.copyOf(citations);
    }

    /** A message without citations (the shape of org.terroir.api.chat 1.1.0). */
    public StoredMessage(long id, String conversationId, ChatMessage.Role role, String content, Instant created,
            boolean complete, AnswerStats stats, String error) {
        this(id, conversationId, role, content, created, complete, stats, error, List.of());
    }

    public StoredMessage withCitations(List<Citation> value) {
        return new StoredMessage(id, conversationId, role, content, created, complete, stats, error, value);
    }

    public ChatMessage toChatMessage() {
        return new ChatMessage(role, content);
    }
}

package org.terroir.api.chat;

/**
 * A finished answer.
 *
 * @param message         the stored answer, with its statistics
 * @param droppedMessages how many of the oldest messages the prompt left out to fit the context window
 */
public record ChatReply(StoredMessage message, int droppedMessages) {

    public AnswerStats stats() {
        return message.stats();
    }

    public boolean trimmed() {
        return droppedMessages > 0;
    }
}

package org.terroir.api.chat;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives an answer as it streams. Called on a backend thread; keep it quick. */
@ConsumerType
@FunctionalInterface
public interface ChatListener {
    /** A piece of the answer. */
    void onToken(String text);

    /**
     * The history did not fit the context window: the {@code droppedMessages} oldest messages were left out of
     * the prompt (they stay stored). Called before the first token.
     */
    default void onContextTrimmed(int droppedMessages) {
    }

    /**
     * A long task's progress, such as the summary of a document by parts: part {@code part} of {@code parts} is
     * under way ({@code part == parts + 1}: the parts' summaries are being combined).
     *
     * @since org.terroir.api.chat 1.2.0
     */
    default void onProgress(int part, int parts) {
    }

    /**
     * The conversation has documents, but the model's context window left no room for any of their excerpts: this
     * answer is made without them (a model with a larger window, a shorter question or fewer messages makes room).
     * Called before the first token.
     *
     * @since org.terroir.api.chat 1.3.0
     */
    default void onDocumentsLeftOut() {
    }

    ChatListener NONE = text -> {};
}

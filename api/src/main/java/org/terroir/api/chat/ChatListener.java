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

    ChatListener NONE = text -> {};
}

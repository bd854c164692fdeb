package org.terroir.api.chat;

import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;

/** An answer under way. */
@ProviderType
public interface ChatTurn {
    String conversationId();

    /** The stored user message this turn answers. */
    StoredMessage userMessage();

    /** How many of the oldest messages were left out of the prompt because the context window is full. */
    int droppedMessages();

    /** Stops the answer; it is stored as it is, with finish reason {@code CANCELLED}. Idempotent. */
    void cancel();

    /**
     * Completes with the stored answer once it is saved, or exceptionally with the
     * {@link org.terroir.api.inference.GenerationException} that ended it (what was generated is saved anyway,
     * marked incomplete).
     */
    CompletableFuture<ChatReply> result();

    /** Waits for the answer. */
    default ChatReply await() {
        try {
            return result().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}

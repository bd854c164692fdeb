package org.terroir.api.inference;

import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ConsumerType;

/** A generation under way. */
@ConsumerType
public interface Generation {
    /** Asks the generation to stop; it then completes with {@link FinishReason#CANCELLED}. Idempotent. */
    void cancel();

    /**
     * Completes with the statistics when the generation ends, or exceptionally with a {@link GenerationException}
     * when it fails (the model's process died, the backend went away...).
     */
    CompletableFuture<GenerationStats> result();

    /** Waits for the end and returns the statistics, or throws the {@link GenerationException}. */
    default GenerationStats await() {
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

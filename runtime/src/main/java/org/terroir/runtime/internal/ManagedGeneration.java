package org.terroir.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationStats;

/**
 * A backend's generation as the manager hands it out: it can be failed from outside, so that a generation whose
 * backend goes away ends at once with a clear error instead of waiting on a backend that no longer answers.
 */
final class ManagedGeneration implements Generation {
    private final Generation delegate;
    private final CompletableFuture<GenerationStats> result = new CompletableFuture<>();

    ManagedGeneration(Generation delegate) {
        this.delegate = delegate;
        delegate.result().whenComplete((stats, error) -> {
            if (error == null) {
                result.complete(stats);
            } else {
                result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            }
        });
    }

    @Override
    public void cancel() {
        delegate.cancel();
    }

    @Override
    public CompletableFuture<GenerationStats> result() {
        return result;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Ends the generation with {@code error} and asks the backend to stop it. */
    void fail(GenerationException error) {
        if (result.completeExceptionally(error)) {
            try {
                delegate.cancel();
            } catch (RuntimeException ignored) {
                // The backend is going away; its own cleanup ends the work.
            }
        }
    }
}

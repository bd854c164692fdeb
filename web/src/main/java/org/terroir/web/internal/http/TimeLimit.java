package org.terroir.web.internal.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a piece of work that runs longer than a limit ({@code maxGenerationSeconds}): it is cancelled, so that one
 * request cannot hold a model forever. {@link #reached()} tells the answer that it was cut for time. The timer is the
 * JDK's shared one ({@link CompletableFuture#delayedExecutor}): no thread of this bundle outlives it.
 */
public final class TimeLimit implements AutoCloseable {
    private volatile boolean closed;
    private volatile boolean reached;

    private TimeLimit(Runnable cancel, int seconds) {
        if (seconds > 0) {
            CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS).execute(() -> {
                if (!closed) {
                    reached = true;
                    cancel.run();
                }
            });
        }
    }

    /** Calls {@code cancel} once {@code seconds} have passed (never when 0 or less), unless closed before. */
    public static TimeLimit of(Runnable cancel, int seconds) {
        return new TimeLimit(cancel, seconds);
    }

    public boolean reached() {
        return reached;
    }

    @Override
    public void close() {
        closed = true;
    }
}

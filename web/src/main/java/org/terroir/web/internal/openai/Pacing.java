package org.terroir.web.internal.openai;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * At most one streamed write per interval, for every dialect that streams tokens ({@code /v1}'s SSE, Ollama's JSON
 * lines): the first token leaves at once, later ones are gathered for a few milliseconds. Each write wakes Jetty, the
 * kernel and the client; on a small machine those wake-ups take the cores the model needs (measured: 0.6× the
 * tokens/s with a write per token on 2 cores). Nothing is held back longer than the interval, nor once the generation
 * has ended.
 */
public final class Pacing {
    /** The shortest time between two writes (people read no faster; clients don't mind bigger chunks). */
    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(15);

    private long lastWrite = System.nanoTime() - INTERVAL_NANOS;

    /** Waits until the interval since the last write is over, or until the generation ({@code result}) ends. */
    public void awaitTurn(Future<?> result) throws InterruptedException {
        long wait = lastWrite + INTERVAL_NANOS - System.nanoTime();
        if (wait > 0 && !result.isDone()) {
            // Waiting on the result, not on the queue: the queue would wake this thread for every token; the result
            // wakes it only when the generation ends, so the last piece is not held back.
            try {
                result.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // Time to write; a failed generation is reported after the stream.
            }
        }
    }

    /** Notes a write (a tool call's too). */
    public void wrote() {
        lastWrite = System.nanoTime();
    }
}

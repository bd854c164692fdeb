package org.terroir.web.internal.http;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a piece of work that runs longer than a limit ({@code maxGenerationSeconds}): it is cancelled, so that one
 * request cannot hold a model forever. {@link #reached()} tells the answer that it was cut for time.
 */
public final class TimeLimit implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "terroir-web-time-limit");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> task;
    private volatile boolean reached;

    private TimeLimit(Runnable cancel, int seconds) {
        this.task = seconds <= 0 ? null : TIMER.schedule(() -> {
            reached = true;
            cancel.run();
        }, seconds, TimeUnit.SECONDS);
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
        if (task != null) {
            task.cancel(false);
        }
    }
}

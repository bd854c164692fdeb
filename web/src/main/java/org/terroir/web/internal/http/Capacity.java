package org.terroir.web.internal.http;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.terroir.web.internal.Texts;

/**
 * Bounds the work served at once: {@code slots} requests run, up to {@code queue} more wait (each at most
 * {@code timeout}), and the rest get a 503 at once, so that a burst of clients cannot pile up threads or memory.
 */
public final class Capacity {
    private final Semaphore slots;
    private final int maxQueued;
    private final long timeoutMillis;
    private final AtomicInteger waiting = new AtomicInteger();

    public Capacity(int slots, int maxQueued, long timeoutMillis) {
        this.slots = new Semaphore(Math.max(1, slots), true);
        this.maxQueued = Math.max(0, maxQueued);
        this.timeoutMillis = Math.max(0, timeoutMillis);
    }

    /** A slot, to close when the work is done; throws a 503 {@link ApiError} when none comes. */
    public Slot acquire() {
        if (slots.tryAcquire()) {
            return new Slot();
        }
        if (waiting.incrementAndGet() > maxQueued) {
            waiting.decrementAndGet();
            throw busy();
        }
        try {
            if (!slots.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw busy();
            }
            return new Slot();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        } finally {
            waiting.decrementAndGet();
        }
    }

    public int waiting() {
        return waiting.get();
    }

    private static ApiError busy() {
        return new ApiError(503, "server_error", "server_busy", null, Texts.get("error.busy"));
    }

    /** A held slot. */
    public final class Slot implements AutoCloseable {
        private boolean released;

        private Slot() {
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                slots.release();
            }
        }
    }
}

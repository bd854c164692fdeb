package org.terroir.chat.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.terroir.api.chat.AnswerStats;
import org.terroir.api.chat.StoredMessage;

/**
 * Saves an answer while it streams. Tokens only go to memory on the backend's thread (which must stay quick); a
 * timer writes the text so far every {@code flushIntervalMs} when it changed, so a killed process loses at most
 * that much of the answer. The end writes the whole answer with its statistics in one transaction.
 */
final class AnswerRecorder {
    private final ChatStore store;
    private final long messageId;
    private final StringBuilder text = new StringBuilder();
    private final Object writeLock = new Object();
    private final ScheduledFuture<?> timer;
    private boolean dirty;
    private boolean finished;

    AnswerRecorder(ChatStore store, long messageId, ScheduledExecutorService scheduler, long flushIntervalMs) {
        this.store = store;
        this.messageId = messageId;
        this.timer = scheduler.scheduleAtFixedRate(this::flush, flushIntervalMs, flushIntervalMs,
                TimeUnit.MILLISECONDS);
    }

    void append(String token) {
        synchronized (text) {
            text.append(token);
            dirty = true;
        }
    }

    String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    void flush() {
        synchronized (writeLock) {
            if (finished) {
                return;
            }
            String snapshot;
            synchronized (text) {
                if (!dirty) {
                    return;
                }
                snapshot = text.toString();
                dirty = false;
            }
            try {
                store.savePartial(messageId, snapshot);
            } catch (RuntimeException e) {
                // the next tick or the end tries again; a timer task that throws would be cancelled for good
                synchronized (text) {
                    dirty = true;
                }
            }
        }
    }

    /** Saves the ended answer; {@code complete} false marks it cut short. */
    StoredMessage finish(String finalText, boolean complete, AnswerStats stats, String error) {
        timer.cancel(false);
        synchronized (writeLock) {
            finished = true;
            return store.finish(messageId, finalText == null ? text() : finalText, complete, stats, error);
        }
    }
}

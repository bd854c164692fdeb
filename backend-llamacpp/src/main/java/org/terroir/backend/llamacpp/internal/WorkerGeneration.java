package org.terroir.backend.llamacpp.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.TokenListener;
import org.terroir.backend.llamacpp.protocol.Message;

/** A generation running in a worker, fed by the connection's reader thread. */
final class WorkerGeneration implements Generation {
    private static final System.Logger LOG = System.getLogger(WorkerGeneration.class.getName());

    private final long job;
    private final TokenListener listener;
    private final LongConsumer canceller;
    private final StringBuilder text = new StringBuilder();
    private final CompletableFuture<GenerationStats> result = new CompletableFuture<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    WorkerGeneration(long job, TokenListener listener, LongConsumer canceller) {
        this.job = job;
        this.listener = listener;
        this.canceller = canceller;
    }

    long job() {
        return job;
    }

    @Override
    public void cancel() {
        if (!result.isDone() && cancelled.compareAndSet(false, true)) {
            canceller.accept(job);
        }
    }

    @Override
    public CompletableFuture<GenerationStats> result() {
        return result;
    }

    void token(String piece) {
        text.append(piece);
        try {
            listener.onToken(piece);
        } catch (RuntimeException e) {
            // A faulty listener must not take the connection's reader thread down with it.
            LOG.log(System.Logger.Level.WARNING, "A token listener failed", e);
        }
    }

    void done(Message.Done done) {
        result.complete(new GenerationStats(text.toString(), done.promptTokens(), done.generatedTokens(),
                done.firstTokenNanos() / 1e6, done.totalNanos() / 1e6, reason(done.finish())));
    }

    void fail(GenerationException failure) {
        result.completeExceptionally(failure);
    }

    private static FinishReason reason(Message.Finish finish) {
        switch (finish) {
            case LENGTH: return FinishReason.LENGTH;
            case CANCELLED: return FinishReason.CANCELLED;
            case CONTEXT_FULL: return FinishReason.CONTEXT_FULL;
            default: return FinishReason.STOP;
        }
    }
}

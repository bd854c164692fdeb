package org.terroir.backend.llamacpp.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.TokenListener;
import org.terroir.api.inference.TokenLogprob;
import org.terroir.api.inference.ToolCall;
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
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Written and read on the connection's reader thread only. */
    private final List<ToolCall> calls = new ArrayList<>();
    private List<TokenLogprob> logprobs = List.of();

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

    /** The calls the worker read out of the answer (their markup never reached onToken); ids made here. */
    void toolCalls(Message.ToolCalls message) {
        for (int i = 0; i < message.names().size(); i++) {
            ToolCall call = new ToolCall(newCallId(), message.names().get(i), message.arguments().get(i));
            calls.add(call);
            try {
                listener.onToolCall(call);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A token listener failed", e);
            }
        }
    }

    /** The worker's log probabilities, sent just before Done. */
    void logprobs(Message.Logprobs message) {
        List<TokenLogprob> tokens = new ArrayList<>(message.tokens().size());
        for (Message.Logprob t : message.tokens()) {
            List<TokenLogprob> top = new ArrayList<>(t.top().size());
            for (Message.Logprob alt : t.top()) {
                top.add(logprob(alt, List.of()));
            }
            tokens.add(logprob(t, top));
        }
        logprobs = List.copyOf(tokens);
    }

    /** A token's text is its bytes read as UTF-8 (a part of a character reads as U+FFFD; the bytes stay exact). */
    private static TokenLogprob logprob(Message.Logprob t, List<TokenLogprob> top) {
        // JSON has no -Infinity: a token the model rules out reads -9999, as OpenAI writes it.
        double logprob = Math.max(t.logprob(), -9999d);
        return new TokenLogprob(new String(t.bytes(), StandardCharsets.UTF_8), t.bytes(), logprob, top);
    }

    void done(Message.Done done) {
        result.complete(new GenerationStats(text.toString(), done.promptTokens(), done.generatedTokens(),
                done.firstTokenNanos() / 1e6, done.totalNanos() / 1e6, reason(done.finish()))
                .withCachedPromptTokens(done.cachedTokens()).withToolCalls(List.copyOf(calls)).withLogprobs(logprobs));
    }

    /** {@code call_} and 24 random letters and digits, as OpenAI's ids look. */
    static String newCallId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    void fail(GenerationException failure) {
        result.completeExceptionally(failure);
    }

    private static FinishReason reason(Message.Finish finish) {
        switch (finish) {
            case LENGTH: return FinishReason.LENGTH;
            case CANCELLED: return FinishReason.CANCELLED;
            case CONTEXT_FULL: return FinishReason.CONTEXT_FULL;
            case TOOL_CALLS: return FinishReason.TOOL_CALLS;
            default: return FinishReason.STOP;
        }
    }
}

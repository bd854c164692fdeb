package org.terroir.web.internal.openai;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ToolCall;

/**
 * One streamed generation for the dialects that write events of their own (the Responses API, Anthropic's
 * Messages): text pieces gathered for at most {@value #CHUNK_MILLIS} ms per write, as /v1's chat stream does, and
 * each tool call whole, in order. The caller's thread writes, so a client that left is noticed at the next write
 * (an {@link IOException}) and the generation is cancelled.
 */
public final class Streaming {
    static final long CHUNK_MILLIS = 15;

    /** What a dialect writes for each piece. */
    public interface Events {
        /** The generation was accepted (a backend may refuse a request before: then nothing is written yet). */
        default void started() throws IOException {
        }

        void text(String text) throws IOException;

        void toolCall(ToolCall call) throws IOException;
    }

    /** The end: the stats, and whether the time limit cut the generation short. */
    public record Outcome(GenerationStats stats, boolean limitReached) {
    }

    private Streaming() {
    }

    /**
     * Runs {@code request} on {@code model}, handing pieces to {@code events}; cancels the generation when a write
     * fails (the exception goes on) or on interruption. A failed generation throws the API error of its kind.
     */
    public static Outcome run(LoadedModel model, GenerationRequest request, int maxSeconds, Events events)
            throws IOException, InterruptedException {
        BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
        Generation generation = model.generate(request, OpenAiServlet.queueing(pieces));
        CompletableFuture<GenerationStats> result = generation.result();
        boolean ended = false;
        try {
            events.started();
        } catch (IOException | RuntimeException e) {
            generation.cancel();
            throw e;
        }
        try (org.terroir.web.internal.http.TimeLimit limit = org.terroir.web.internal.http.TimeLimit
                .of(generation::cancel, maxSeconds)) {
            long lastWrite = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(CHUNK_MILLIS);
            while (true) {
                Object next = pieces.poll(100, TimeUnit.MILLISECONDS);
                if (next == null && result.isDone() && pieces.isEmpty()) {
                    break;
                }
                if (next instanceof ToolCall call) {
                    events.toolCall(call);
                    lastWrite = System.nanoTime();
                } else if (next instanceof String piece) {
                    long wait = lastWrite + TimeUnit.MILLISECONDS.toNanos(CHUNK_MILLIS) - System.nanoTime();
                    if (wait > 0 && !result.isDone()) {
                        try {
                            result.get(wait, TimeUnit.NANOSECONDS);
                        } catch (TimeoutException | ExecutionException e) {
                            // Time to write; a failure is reported below.
                        }
                    }
                    events.text(piece + OpenAiServlet.drainText(pieces));
                    lastWrite = System.nanoTime();
                }
            }
            GenerationStats stats;
            try {
                stats = result.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw OpenAiServlet.fromGeneration(e.getCause() == null ? e : e.getCause());
            }
            ended = true;
            return new Outcome(stats, limit.reached());
        } finally {
            if (!ended) {
                generation.cancel();
            }
        }
    }

    /** A non-streamed generation: waits, probing the client (see {@link OpenAiServlet#awaitWatching}). */
    public static Outcome await(LoadedModel model, GenerationRequest request, int maxSeconds,
            javax.servlet.http.HttpServletResponse response) {
        Generation generation = model.generate(request, text -> {
        });
        try (org.terroir.web.internal.http.TimeLimit limit = org.terroir.web.internal.http.TimeLimit
                .of(generation::cancel, maxSeconds)) {
            GenerationStats stats = OpenAiServlet.awaitWatching(generation, response);
            return stats == null ? null : new Outcome(stats, limit.reached());
        }
    }
}

package org.terroir.chat.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.TokenListener;

/**
 * A stand-in for a real model, for storage and trimming tests only: it "tokenizes" on spaces and streams a
 * deterministic answer, token by token, on its own thread, with an optional pause between tokens. The
 * end-to-end test with llama.cpp lives in itest.
 */
final class ScriptedModel implements LoadedModel {
    private final ModelDescriptor descriptor;
    private final int contextLength;
    private final Function<GenerationRequest, List<String>> answer;
    private final long tokenDelayMs;
    volatile GenerationRequest lastRequest;
    /** The energy each answer reports, as the runtime's meter would attach it; null: none. */
    volatile org.terroir.api.energy.EnergyUse energy;
    /** The tools a request makes the model call (none: it answers in text); null: it never calls tools. */
    volatile Function<GenerationRequest, List<org.terroir.api.inference.ToolCall>> toolCalls;
    /** Refuses requests that offer tools, as a backend without tool calling does. */
    volatile boolean refusesTools;
    /** Every request, in order. */
    final List<GenerationRequest> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

    ScriptedModel(String name, int contextLength, long tokenDelayMs, Function<GenerationRequest, List<String>> answer) {
        this.descriptor = new ModelDescriptor(name, Path.of("/models/" + name + ".gguf"), ModelFormat.GGUF, 1,
                Map.of());
        this.contextLength = contextLength;
        this.tokenDelayMs = tokenDelayMs;
        this.answer = answer;
    }

    /** Answers "echo: <last user message>" word by word. */
    static ScriptedModel echo(String name, int contextLength) {
        return new ScriptedModel(name, contextLength, 0, request -> {
            String last = request.messages().get(request.messages().size() - 1).content();
            return words("echo: " + last);
        });
    }

    static List<String> words(String text) {
        String[] parts = text.split(" ");
        java.util.ArrayList<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            tokens.add(i == 0 ? parts[i] : " " + parts[i]);
        }
        return tokens;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public String backendId() {
        return "scripted";
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        if (refusesTools && !request.tools().isEmpty()) {
            throw new org.terroir.api.inference.GenerationException(org.terroir.api.ErrorKind.UNSUPPORTED,
                    "scripted.tools", "no tools here");
        }
        lastRequest = request;
        requests.add(request);
        Function<GenerationRequest, List<org.terroir.api.inference.ToolCall>> caller = toolCalls;
        List<org.terroir.api.inference.ToolCall> calls = caller == null || request.tools().isEmpty() ? List.of()
                : caller.apply(request);
        List<String> tokens = answer.apply(request);
        int max = request.sampling().maxTokens();
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<GenerationStats> result = new CompletableFuture<>();
        long start = System.nanoTime();
        int promptTokens = request.messages().stream().mapToInt(m -> tokenize(m.content()).length).sum();
        Thread t = new Thread(() -> {
            StringBuilder text = new StringBuilder();
            double first = 0;
            int n = 0;
            FinishReason reason = FinishReason.STOP;
            for (String token : tokens) {
                if (cancelled.get()) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                if (n == max) {
                    reason = FinishReason.LENGTH;
                    break;
                }
                if (tokenDelayMs > 0) {
                    try {
                        Thread.sleep(tokenDelayMs);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                if (n == 0) {
                    first = (System.nanoTime() - start) / 1e6;
                }
                text.append(token);
                n++;
                listener.onToken(token);
            }
            double total = (System.nanoTime() - start) / 1e6 + 1;
            GenerationStats stats = new GenerationStats(text.toString(), promptTokens, n, first, total,
                    calls.isEmpty() || reason != FinishReason.STOP ? reason : FinishReason.TOOL_CALLS);
            stats = stats.withToolCalls(calls);
            result.complete(energy == null ? stats : stats.withEnergy(energy));
        }, "scripted-generation");
        t.setDaemon(true);
        t.start();
        return new Generation() {
            @Override
            public void cancel() {
                cancelled.set(true);
            }

            @Override
            public CompletableFuture<GenerationStats> result() {
                return result;
            }
        };
    }

    @Override
    public boolean supportsEmbeddings() {
        return false;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int[] tokenize(String text) {
        return text.isBlank() ? new int[0] : new int[text.strip().split("\\s+").length];
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public void close() {
    }

    static String lastUser(GenerationRequest r) {
        return r.messages().stream().filter(m -> m.role() == ChatMessage.Role.USER).reduce((a, b) -> b).orElseThrow()
                .content();
    }
}

package org.terroir.testkit.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.TokenListener;
import org.terroir.api.inference.ToolCall;

/**
 * A stand-in for a real model, where the engine is not what a test is about: it "tokenizes" on white space and
 * streams the answer a script gives, token by token, on its own thread, with an optional pause between tokens; it
 * stops at the request's token limit ({@code length}) or when cancelled ({@code cancelled}), calls the tools its
 * script names, and reports the energy it is given, as the runtime's meter would attach it.
 */
public final class ScriptedModel implements LoadedModel {
    private final ModelDescriptor descriptor;
    private final String backendId;
    private final int contextLength;
    private final Function<GenerationRequest, ? extends Iterable<String>> answer;
    private final long tokenDelayMs;
    private final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private volatile EnergyUse energy;
    private volatile Function<GenerationRequest, List<ToolCall>> toolCalls;
    private volatile boolean refusesTools;
    private volatile Runnable onCancel = () -> { };

    /**
     * A model of this backend, for this file: its answer to each request is the script's tokens, one every
     * {@code tokenDelayMs} (0: as fast as they come).
     */
    public ScriptedModel(ModelDescriptor descriptor, String backendId, int contextLength, long tokenDelayMs,
            Function<GenerationRequest, ? extends Iterable<String>> answer) {
        this.descriptor = descriptor;
        this.backendId = backendId;
        this.contextLength = contextLength;
        this.tokenDelayMs = tokenDelayMs;
        this.answer = answer;
    }

    /** A model named {@code name} (a GGUF file's name) of the backend {@code scripted}. */
    public ScriptedModel(String name, int contextLength, long tokenDelayMs,
            Function<GenerationRequest, ? extends Iterable<String>> answer) {
        this(new ModelDescriptor(name, Path.of("/models/" + name + ".gguf"), ModelFormat.GGUF, 1, Map.of()),
                "scripted", contextLength, tokenDelayMs, answer);
    }

    /** Answers "echo: " and the last user message (or the prompt of a completion), word by word. */
    public static ScriptedModel echo(String name, int contextLength) {
        return new ScriptedModel(name, contextLength, 0, request -> words("echo: " + lastText(request)));
    }

    /** Repeats the prompt of a completion or the last message of a chat, word by word, for this backend's file. */
    public static ScriptedModel parrot(ModelDescriptor descriptor, String backendId) {
        return new ScriptedModel(descriptor, backendId, 1024, 0, request -> words(lastText(request)));
    }

    /** Writes "tick " every {@code delayMs} until the request's token limit or a cancel. */
    public static ScriptedModel ticking(ModelDescriptor descriptor, String backendId, long delayMs) {
        return new ScriptedModel(descriptor, backendId, 1_000_000, delayMs,
                request -> Collections.nCopies(Integer.MAX_VALUE, "tick "));
    }

    /** A text's words as tokens: the first as it is, each next one after its space. */
    public static List<String> words(String text) {
        String[] parts = text.split(" ");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            tokens.add(i == 0 ? parts[i] : " " + parts[i]);
        }
        return tokens;
    }

    /** The last user message of a chat request. */
    public static String lastUser(GenerationRequest request) {
        return request.messages().stream().filter(m -> m.role() == ChatMessage.Role.USER).reduce((a, b) -> b)
                .orElseThrow().content();
    }

    private static String lastText(GenerationRequest request) {
        return request.isChat() ? request.messages().get(request.messages().size() - 1).content()
                : request.prompt();
    }

    /** Every request, in order. */
    public List<GenerationRequest> requests() {
        return requests;
    }

    /** The last request, or null before the first. */
    public GenerationRequest lastRequest() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    /** The energy each answer reports; null: none. */
    public EnergyUse energy() {
        return energy;
    }

    /** The energy each answer reports from now on; null: none. */
    public void energy(EnergyUse value) {
        energy = value;
    }

    /** The tools a request makes the model call (an empty list: it answers in text); null: it never calls any. */
    public void toolCalls(Function<GenerationRequest, List<ToolCall>> script) {
        toolCalls = script;
    }

    /** Refuses requests that offer tools, as a backend without tool calling does. */
    public void refusesTools(boolean value) {
        refusesTools = value;
    }

    /** Runs after each generation that ends cancelled. */
    public void onCancel(Runnable action) {
        onCancel = action;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public String backendId() {
        return backendId;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        if (refusesTools && !request.tools().isEmpty()) {
            throw new GenerationException(ErrorKind.UNSUPPORTED, "scripted.tools", "no tools here");
        }
        requests.add(request);
        Function<GenerationRequest, List<ToolCall>> caller = toolCalls;
        List<ToolCall> calls = caller == null || request.tools().isEmpty() ? List.of() : caller.apply(request);
        Iterable<String> tokens = answer.apply(request);
        int max = request.sampling().maxTokens();
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<GenerationStats> result = new CompletableFuture<>();
        long start = System.nanoTime();
        int promptTokens = request.isChat()
                ? request.messages().stream().mapToInt(m -> tokenize(m.content()).length).sum()
                : tokenize(request.prompt()).length;
        Thread thread = new Thread(() -> {
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
                        reason = FinishReason.CANCELLED;
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
            if (reason == FinishReason.STOP && cancelled.get()) {
                reason = FinishReason.CANCELLED;
            }
            if (reason == FinishReason.CANCELLED) {
                onCancel.run();
            }
            double total = (System.nanoTime() - start) / 1e6 + 1;
            GenerationStats stats = new GenerationStats(text.toString(), promptTokens, n, first, total,
                    calls.isEmpty() || reason != FinishReason.STOP ? reason : FinishReason.TOOL_CALLS)
                    .withToolCalls(calls);
            EnergyUse used = energy;
            result.complete(used == null ? stats : stats.withEnergy(used));
        }, "scripted-generation");
        thread.setDaemon(true);
        thread.start();
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
        throw new UnsupportedOperationException("a scripted model makes no embeddings");
    }

    @Override
    public int[] tokenize(String text) {
        return text == null || text.isBlank() ? new int[0] : new int[text.strip().split("\\s+").length];
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public void close() {
    }
}

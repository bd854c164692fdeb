package org.terroir.backend.llamacpp.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.api.inference.TokenListener;
import org.terroir.backend.llamacpp.protocol.Message;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * A model loaded in its own worker process. Requests become messages; replies come back on the connection's
 * reader thread and complete the matching job. When the process ends, every job still open fails with the
 * reason (unloaded, backend stopped, or crashed with its exit code and last log lines).
 */
final class LlamaCppModel implements LoadedModel, WorkerProcess.Listener {
    private static final System.Logger LOG = System.getLogger(LlamaCppModel.class.getName());
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

    private volatile ModelDescriptor descriptor;
    private final LoadSettings settings;
    private final WorkerProcess worker;
    private final Consumer<LlamaCppModel> onClose;
    private final AtomicLong jobs = new AtomicLong();
    private final Map<Long, WorkerGeneration> generations = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Message>> replies = new ConcurrentHashMap<>();
    private final CompletableFuture<WorkerEnd> end = new CompletableFuture<>();
    private volatile String closeReason;
    /** Told the load's progress while it runs; nothing after. */
    private volatile java.util.function.DoubleConsumer loadProgress = f -> { };

    private final String backendId;
    private volatile int lastCachedTokens;
    /** The model's number of tokens, as the worker reported it at load (0: unknown, e.g. the classic engine). */
    private volatile int vocabSize;

    /** Where the worker's log lines go: user-facing errors name this file, never quote its lines. */
    private final java.nio.file.Path logPath;

    LlamaCppModel(String backendId, ModelDescriptor descriptor, LoadSettings settings, WorkerProcess worker,
            Consumer<LlamaCppModel> onClose, java.nio.file.Path logPath) {
        this.backendId = backendId;
        this.logPath = logPath;
        this.descriptor = descriptor;
        this.settings = settings;
        this.worker = worker;
        this.onClose = onClose;
    }

    /**
     * Sends the load request (job 0) and waits for the worker to report the model ready, telling {@code progress} how
     * far along the worker's load is (today's engine tells, per percent).
     */
    void load(Message.Load load, Duration timeout, java.util.function.DoubleConsumer progress) {
        loadProgress = progress == null ? f -> { } : progress;
        try {
            awaitLoad(load, timeout);
        } finally {
            loadProgress = f -> { };
        }
    }

    private void awaitLoad(Message.Load load, Duration timeout) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        replies.put(0L, reply);
        worker.listen(this, descriptor.name());
        Message answer;
        try {
            worker.send(load);
            answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close("unloaded");
            throw new ModelLoadException("llamacpp.load.timeout", Messages.get("load.timeout", descriptor.name(),
                    timeout.toSeconds(), logPath));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close("unloaded");
            throw new ModelLoadException("llamacpp.load.interrupted", Messages.get("load.interrupted",
                    descriptor.name()));
        } catch (IOException | ExecutionException e) {
            WorkerEnd ended = awaitEnd();
            throw new ModelLoadException("llamacpp.load.died", Messages.get("load.died", descriptor.name(),
                    ended.exitCodeText(), logged(ended)));
        }
        if (answer instanceof Message.Failed failed) {
            close("unloaded");
            throw new ModelLoadException("llamacpp.load.failed", Messages.get("load.failed", descriptor.name(),
                    workerFailure(failed).getMessage(), logPath));
        }
        if (answer instanceof Message.Loaded loaded) {
            vocabSize = loaded.vocabSize();
            describeEngine(loaded);
        }
    }

    /** What runs the model, for ps and the page: the engine, the device, layers on the GPU, sequences. */
    private void describeEngine(Message.Loaded loaded) {
        if (loaded.engine().isEmpty()) {
            return;
        }
        Map<String, String> properties = new java.util.HashMap<>(descriptor.properties());
        properties.put(ModelDescriptor.ENGINE, loaded.engine());
        String gpu = loaded.devices().stream().filter(Message.Device::isGpu).map(Message.Device::description)
                .findFirst().orElse(null);
        properties.put(ModelDescriptor.DEVICE, gpu != null && loaded.gpuLayers() > 0
                ? gpu + " (" + loaded.gpuLayers() + " layers)" : "CPU");
        properties.put("parallel", String.valueOf(loaded.parallel()));
        if (!loaded.notice().isEmpty()) {
            properties.put("notice", loaded.notice());
        }
        descriptor = new ModelDescriptor(descriptor.name(), descriptor.path(), descriptor.format(),
                descriptor.sizeBytes(), properties);
    }

    private WorkerEnd awaitEnd() {
        try {
            return end.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // fall through: report what is known
        }
        return new WorkerEnd(false, java.util.OptionalInt.empty(), "");
    }

    /** The log's last lines go to the platform log; the user reads where the whole log is. */
    private String logged(WorkerEnd ended) {
        System.getLogger(LlamaCppModel.class.getName()).log(System.Logger.Level.WARNING,
                "Worker of {0} ended (exit code {1}); its last log lines:\n{2}", descriptor.name(),
                ended.exitCodeText(), ended.log());
        return String.valueOf(logPath);
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
        return settings.contextLength();
    }

    /** Prompt tokens the last finished generation found in the cache (a chat's earlier turns), not decoded again. */
    int lastCachedTokens() {
        return lastCachedTokens;
    }

    LoadSettings settings() {
        return settings;
    }

    /** The worker process, for tools and tests that watch it. */
    ProcessHandle process() {
        return worker.handle();
    }

    /** The worker's process, so that the energy meter charges an answer with the worker's CPU time. */
    @Override
    public OptionalLong processId() {
        return OptionalLong.of(worker.handle().pid());
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        checkBias(request);
        Message.Generate message = toMessage(jobs.incrementAndGet(), request);
        WorkerGeneration generation = new WorkerGeneration(message.job(), listener == null ? TokenListener.NONE
                : listener, this::sendCancel);
        generations.put(generation.job(), generation);
        if (end.isDone() || closeReason != null) {
            generations.remove(generation.job());
            generation.fail(stopped(end.getNow(null)));
            return generation;
        }
        try {
            worker.send(message);
        } catch (IOException e) {
            // The reader thread notices the end too and fails the generation with the worker's last words.
        }
        return generation;
    }

    private void sendCancel(long job) {
        try {
            worker.send(new Message.Cancel(job));
        } catch (IOException e) {
            // gone already: the generation ends with the worker
        }
    }

    /**
     * Checks the logit bias's token ids against the vocabulary the worker reported, on the caller's thread (so
     * that the refusal is a 400 before any stream starts); the worker checks them again before the library.
     */
    private void checkBias(GenerationRequest request) {
        int size = vocabSize;
        for (Integer id : request.sampling().logitBias().keySet()) {
            if (id == null || id < 0 || size > 0 && id >= size) {
                throw new GenerationException(ErrorKind.BAD_REQUEST, "llamacpp.worker.bias.token",
                        Messages.get("worker.bias.token", String.valueOf(id), String.valueOf(size - 1)));
            }
        }
    }

    private static Message.Generate toMessage(long job, GenerationRequest request) {
        Sampling s = request.sampling();
        check(s.maxTokens() >= 1, "maxTokens", s.maxTokens());
        check(s.temperature() >= 0 && Float.isFinite(s.temperature()), "temperature", s.temperature());
        check(s.topK() >= 0, "topK", s.topK());
        check(s.topP() > 0 && s.topP() <= 1, "topP", s.topP());
        check(s.minP() >= 0 && s.minP() <= 1, "minP", s.minP());
        check(s.repeatPenalty() > 0 && Float.isFinite(s.repeatPenalty()), "repeatPenalty", s.repeatPenalty());
        List<Message.Turn> turns = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m.role() == ChatMessage.Role.SYSTEM && !turns.isEmpty()) {
                throw new GenerationException(ErrorKind.BAD_REQUEST, "llamacpp.request.system",
                        Messages.get("request.system"));
            }
            // the worker reads these with Gson: each call's arguments and each tool's parameters as JSON text
            JsonArray calls = new JsonArray();
            for (ToolCall call : m.toolCalls()) {
                JsonObject c = new JsonObject();
                c.addProperty("id", call.id());
                c.addProperty("name", call.name());
                c.addProperty("arguments", call.argumentsJson());
                calls.add(c);
            }
            turns.add(new Message.Turn(m.role().wireName(), m.content(), calls.isEmpty() ? "" : calls.toString(),
                    m.toolCallId() == null ? "" : m.toolCallId()));
        }
        JsonArray tools = new JsonArray();
        ToolChoice choice = request.toolChoice();
        if (choice.mode() != ToolChoice.Mode.NONE) {
            for (ToolDefinition tool : request.tools()) {
                JsonObject t = new JsonObject();
                t.addProperty("name", tool.name());
                t.addProperty("description", tool.description() == null ? "" : tool.description());
                t.addProperty("parameters", tool.parametersJson());
                tools.add(t);
            }
        }
        String toolsJson = tools.isEmpty() ? "" : tools.toString();
        String toolChoice = switch (choice.mode()) {
            case REQUIRED -> "required";
            case FUNCTION -> "function:" + choice.function();
            default -> "auto";
        };
        penalty(s.presencePenalty(), "presence_penalty");
        penalty(s.frequencyPenalty(), "frequency_penalty");
        List<Integer> biasTokens = new ArrayList<>(s.logitBias().keySet());
        List<Float> biasValues = new ArrayList<>();
        for (Float bias : s.logitBias().values()) {
            check(bias != null && bias >= -Sampling.MAX_LOGIT_BIAS && bias <= Sampling.MAX_LOGIT_BIAS, "logit_bias",
                    bias);
            biasValues.add(bias);
        }
        ResponseFormat format = request.responseFormat();
        int kind = switch (format.type()) {
            case TEXT -> Message.Generate.FORMAT_TEXT;
            case JSON_OBJECT -> Message.Generate.FORMAT_JSON_OBJECT;
            case JSON_SCHEMA -> Message.Generate.FORMAT_JSON_SCHEMA;
        };
        return new Message.Generate(job, turns, request.prompt(), s.maxTokens(), s.temperature(), s.topK(), s.topP(),
                s.minP(), s.repeatPenalty(), s.seed() != null, s.seed() == null ? 0 : s.seed(), s.stop(), kind,
                format.schemaJson() == null ? "" : format.schemaJson(), toolsJson, toolChoice, s.presencePenalty(),
                s.frequencyPenalty(), biasTokens, biasValues, request.logprobs());
    }

    private static void penalty(float value, String name) {
        if (!(value >= -Sampling.MAX_PENALTY && value <= Sampling.MAX_PENALTY)) {
            throw new GenerationException(ErrorKind.BAD_REQUEST, "llamacpp.request.penalty",
                    Messages.get("request.penalty", name, "-2", "2", String.valueOf(value)));
        }
    }

    private static void check(boolean ok, String name, Object value) {
        if (!ok) {
            throw new GenerationException(ErrorKind.BAD_REQUEST, "llamacpp.request.sampling",
                    Messages.get("request.sampling", name,
                    String.valueOf(value)));
        }
    }

    @Override
    public boolean supportsEmbeddings() {
        return settings.embeddings();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (!settings.embeddings()) {
            throw new GenerationException(ErrorKind.UNSUPPORTED, "llamacpp.embeddings.disabled", Messages.get("embeddings.disabled",
                    descriptor.name()));
        }
        Message reply = call(new Message.Embed(jobs.incrementAndGet(), List.copyOf(texts)));
        return ((Message.Embeddings) reply).vectors();
    }

    @Override
    public int[] tokenize(String text) {
        Message reply = call(new Message.Tokenize(jobs.incrementAndGet(), text));
        return ((Message.Tokens) reply).ids();
    }

    /** A request with one reply; waits for it or for the worker's end. */
    private Message call(Message request) {
        long job = request instanceof Message.Embed e ? e.job() : ((Message.Tokenize) request).job();
        CompletableFuture<Message> reply = new CompletableFuture<>();
        replies.put(job, reply);
        if (end.isDone() || closeReason != null) {
            replies.remove(job);
            throw stopped(end.getNow(null));
        }
        try {
            worker.send(request);
            Message answer = reply.join();
            if (answer instanceof Message.Failed failed) {
                throw workerFailure(failed);
            }
            return answer;
        } catch (IOException e) {
            throw stopped(awaitEnd());
        } catch (CompletionException e) {
            if (e.getCause() instanceof TerroirException t) {
                throw t;
            }
            throw e;
        } finally {
            replies.remove(job);
        }
    }

    @Override
    public boolean isAlive() {
        return closeReason == null && !end.isDone() && worker.isAlive();
    }

    @Override
    public void close() {
        close("unloaded");
    }

    /** Ends the worker; open jobs fail with the text {@code reason} names ({@code unloaded}, {@code backend.stopped}). */
    void close(String reason) {
        synchronized (this) {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
        }
        worker.close(CLOSE_GRACE);
        if (!worker.isReaderThread()) {
            // The reader thread fails what is still open as soon as the connection ends; wait for it briefly
            // (unless this is that thread: a token listener unloading its own model).
            awaitEnd();
        }
        onClose.accept(this);
    }

    // ---- WorkerProcess.Listener, on the reader thread ----

    @Override
    public void received(Message message) {
        if (message instanceof Message.Token token) {
            WorkerGeneration generation = generations.get(token.job());
            if (generation != null) {
                generation.token(token.text());
            }
        } else if (message instanceof Message.ToolCalls calls) {
            WorkerGeneration generation = generations.get(calls.job());
            if (generation != null) {
                generation.toolCalls(calls);
            }
        } else if (message instanceof Message.Logprobs logprobs) {
            WorkerGeneration generation = generations.get(logprobs.job());
            if (generation != null) {
                generation.logprobs(logprobs);
            }
        } else if (message instanceof Message.Done done) {
            lastCachedTokens = done.cachedTokens();
            WorkerGeneration generation = generations.remove(done.job());
            if (generation != null) {
                generation.done(done);
            }
        } else if (message instanceof Message.Failed failed) {
            WorkerGeneration generation = generations.remove(failed.job());
            if (generation != null) {
                generation.fail(workerFailure(failed));
            } else {
                complete(failed.job(), message);
            }
        } else if (message instanceof Message.LoadProgress p) {
            try {
                loadProgress.accept(p.progress());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "load progress listener failed", e);
            }
        } else if (message instanceof Message.Loaded) {
            complete(0, message);
        } else if (message instanceof Message.Tokens tokens) {
            complete(tokens.job(), message);
        } else if (message instanceof Message.Embeddings embeddings) {
            complete(embeddings.job(), message);
        }
    }

    private void complete(long job, Message message) {
        CompletableFuture<Message> reply = replies.remove(job);
        if (reply != null) {
            reply.complete(message);
        }
    }

    @Override
    public void ended(WorkerEnd ended) {
        // Settle the model's state before waking anyone, so that whoever sees the failure also sees it gone.
        end.complete(ended);
        if (closeReason == null) {
            // Crashed or killed: the backend forgets it, the platform keeps running.
            onClose.accept(this);
        }
        GenerationException failure = stopped(ended);
        for (Long job : List.copyOf(generations.keySet())) {
            WorkerGeneration generation = generations.remove(job);
            if (generation != null) {
                generation.fail(failure);
            }
        }
        for (Long job : List.copyOf(replies.keySet())) {
            CompletableFuture<Message> reply = replies.remove(job);
            if (reply != null) {
                reply.completeExceptionally(failure);
            }
        }
    }

    private GenerationException stopped(WorkerEnd ended) {
        String reason = closeReason;
        if (reason != null && (ended == null || ended.requested())) {
            return new GenerationException(ErrorKind.BACKEND_GONE, "llamacpp.model." + reason, Messages.get("model." + reason,
                    descriptor.name()));
        }
        if (ended == null) {
            return new GenerationException(ErrorKind.BACKEND_GONE, "llamacpp.model.unloaded", Messages.get("model.unloaded",
                    descriptor.name()));
        }
        return new GenerationException(ErrorKind.BACKEND_GONE, "llamacpp.worker.died", Messages.get("worker.died", descriptor.name(),
                ended.exitCodeText(), logged(ended)));
    }

    private GenerationException workerFailure(Message.Failed failed) {
        return new GenerationException(kind(failed.code()), "llamacpp.worker." + failed.code(),
                Messages.get("worker." + failed.code(), failed.args().toArray()));
    }

    /** The error kind of a worker's failure code (the codes of WorkerFailure and chat-template's GrammarException). */
    static ErrorKind kind(String code) {
        if (code.startsWith("schema.") || code.startsWith("grammar.") || code.equals("format.unknown")
                || code.equals("tools.unknown")
                || code.equals("token.invalid") || code.equals("bias.token") || code.equals("request.system") || code.equals("embed.too.long")) {
            return ErrorKind.BAD_REQUEST;
        }
        switch (code) {
            case "prompt.too.long": return ErrorKind.PROMPT_TOO_LONG;
            case "classic.format": case "classic.tools": case "classic.logprobs": case "classic.bias": case "tools.template": case "tools.choice":
            case "embed.none": case "template.unknown": return ErrorKind.UNSUPPORTED;
            case "model.refused": case "context.refused": return ErrorKind.INVALID_MODEL;
            case "not.loaded": return ErrorKind.BACKEND_GONE;
            default: return ErrorKind.INTERNAL;
        }
    }
}

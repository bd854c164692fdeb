package org.terroir.backend.onnx.internal;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.TokenListener;
import org.terroir.lib.onnxruntime.HfTokenizer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * A decoder-only model in the Optimum layout. Generations run one at a time on the model's own thread: the prompt
 * in one pass, then one token per pass, each pass feeding back the {@code present.N.key/value} tensors of the
 * previous one as {@code past_key_values.N.key/value}.
 */
final class DecoderModel extends OnnxModel {
    private static final System.Logger LOG = System.getLogger(DecoderModel.class.getName());

    private final OrtEnvironment env;
    private final int contextLength;
    private final ChatFormat chatFormat;
    private final String bos;
    private final String eos;
    private final Set<Long> stopIds;
    private final ExecutorService thread;
    private final String threadName;
    private final Set<Run> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    DecoderModel(ModelDescriptor descriptor, OrtEnvironment env, OrtSession session, HfTokenizer tokenizer,
            ModelLayout layout, ModelFolder folder, int contextLength, java.util.function.Consumer<OnnxModel> onClose) {
        super(descriptor, session, tokenizer, layout, onClose);
        this.env = env;
        this.contextLength = contextLength;
        this.chatFormat = ChatFormat.of(folder.chatTemplate());
        this.bos = folder.specialToken("bos_token");
        this.eos = folder.specialToken("eos_token");
        this.stopIds = stopIds(folder, tokenizer, chatFormat, eos);
        String name = "terroir-onnx-" + descriptor.name() + "-" + System.identityHashCode(this);
        this.threadName = name;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** End-of-generation ids: the configs' eos ids, the eos token, and the chat format's end-of-turn token. */
    private static Set<Long> stopIds(ModelFolder folder, HfTokenizer tokenizer, ChatFormat format, String eos) {
        Set<Long> ids = new java.util.LinkedHashSet<>(folder.eosIds());
        for (String token : new String[] {eos, format.endOfTurn}) {
            if (token != null) {
                long[] encoded = tokenizer.encode(token, false).ids();
                if (encoded.length == 1) {
                    ids.add(encoded[0]);
                }
            }
        }
        return Set.copyOf(ids);
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public boolean supportsEmbeddings() {
        return false;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        throw new TerroirException(ErrorKind.UNSUPPORTED, "onnx.embed.unsupported", Messages.get("onnx.embed.unsupported", descriptor.name()));
    }

    /** The prompt text a request turns into (template applied for a chat). */
    String promptText(GenerationRequest request) {
        return request.isChat() ? chatFormat.render(request.messages(), bos, eos) : request.prompt();
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        Run run = new Run(request, listener == null ? TokenListener.NONE : listener);
        String unsupported = unsupported(request);
        if (unsupported != null) {
            run.result.completeExceptionally(new GenerationException(ErrorKind.UNSUPPORTED, "onnx." + unsupported,
                    Messages.get("onnx." + unsupported, descriptor.name())));
            return run;
        }
        if (isClosed()) {
            run.result.completeExceptionally(closedError());
            return run;
        }
        running.add(run);
        try {
            thread.execute(() -> {
                try {
                    run.result.complete(withSession(run::generate));
                } catch (TerroirException e) {
                    run.result.completeExceptionally(e instanceof GenerationException ? e
                            : new GenerationException(e.kind(), e.code(), e.getMessage(), e));
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.ERROR, "generation failed", e);
                    run.result.completeExceptionally(new GenerationException("onnx.generate.failed",
                            Messages.get("onnx.generate.failed", descriptor.name(), String.valueOf(e.getMessage())), e));
                } finally {
                    running.remove(run);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.remove(run);
            run.result.completeExceptionally(closedError());
        }
        return run;
    }

    /**
     * What this backend cannot do yet, as a message key suffix, or null: tools (unless tool_choice is none, when
     * they are not used), a JSON response format, log probabilities. Refused rather than ignored, so that a
     * caller never gets free text where it asked for JSON or a tool call.
     */
    private static String unsupported(GenerationRequest request) {
        if (!request.tools().isEmpty() && request.toolChoice().mode() != ToolChoice.Mode.NONE) {
            return "tools.unsupported";
        }
        if (request.responseFormat().type() != ResponseFormat.Type.TEXT) {
            return "format.unsupported";
        }
        if (request.logprobs() >= 0) {
            return "logprobs.unsupported";
        }
        return null;
    }

    private GenerationException closedError() {
        return new GenerationException(ErrorKind.BACKEND_GONE, "onnx.closed", Messages.get("onnx.closed", descriptor.name()));
    }

    @Override
    boolean onOwnThread() {
        return Thread.currentThread().getName().equals(threadName);
    }

    @Override
    void beforeClose() {
        // Running generations end with a clear error; the thread finishes its current pass and stops.
        for (Run run : running) {
            run.closing = true;
            run.cancelled.set(true);
        }
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One generation: its handle and its loop. */
    private final class Run implements Generation {
        final GenerationRequest request;
        final TokenListener listener;
        final CompletableFuture<GenerationStats> result = new CompletableFuture<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        volatile boolean closing;

        Run(GenerationRequest request, TokenListener listener) {
            this.request = request;
            this.listener = listener;
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public CompletableFuture<GenerationStats> result() {
            return result;
        }

        GenerationStats generate() {
            long start = System.nanoTime();
            long[] prompt = tokenizer.encode(promptText(request), !request.isChat()).ids();
            if (prompt.length == 0) {
                throw new GenerationException(ErrorKind.BAD_REQUEST, "onnx.prompt.empty", Messages.get("onnx.prompt.empty"));
            }
            if (prompt.length >= contextLength) {
                throw new GenerationException(ErrorKind.PROMPT_TOO_LONG, "onnx.prompt.tooLong",
                        Messages.get("onnx.prompt.tooLong", prompt.length, contextLength));
            }
            Sampler sampler = new Sampler(request.sampling());
            TextStream stream = new TextStream(ids -> tokenizer.decode(ids, true), request.sampling().stop(), listener);
            List<Long> history = new ArrayList<>();
            for (long id : prompt) {
                history.add(id);
            }
            int maxTokens = request.sampling().maxTokens() > 0 ? request.sampling().maxTokens() : Integer.MAX_VALUE;
            double firstTokenMs = 0;
            int generated = 0;
            FinishReason reason;
            try (KvCache cache = new KvCache()) {
                long[] step = prompt;
                while (true) {
                    if (cancelled.get()) {
                        reason = FinishReason.CANCELLED;
                        break;
                    }
                    float[] logits = cache.forward(step);
                    int token = sampler.next(logits, history);
                    if (generated == 0) {
                        firstTokenMs = (System.nanoTime() - start) / 1e6;
                    }
                    if (stopIds.contains((long) token)) {
                        reason = FinishReason.STOP;
                        break;
                    }
                    generated++;
                    history.add((long) token);
                    if (stream.add(token)) {
                        reason = FinishReason.STOP;
                        break;
                    }
                    if (generated >= maxTokens) {
                        reason = FinishReason.LENGTH;
                        break;
                    }
                    if (cache.length() + 1 > contextLength) {
                        reason = FinishReason.CONTEXT_FULL;
                        break;
                    }
                    step = new long[] {token};
                }
            } catch (OrtException e) {
                throw new GenerationException("onnx.generate.failed",
                        Messages.get("onnx.generate.failed", descriptor.name(), e.getMessage()), e);
            }
            // Text held back (a possible stop string, half a character) reaches the listener first: a listener that
            // closes the model while receiving it ends the generation like one that closes it mid-stream.
            stream.flush();
            if (closing) {
                throw closedError();
            }
            double totalMs = (System.nanoTime() - start) / 1e6;
            return new GenerationStats(stream.text(), prompt.length, generated, firstTokenMs, totalMs, reason);
        }
    }

    /** The past keys and values between passes; owns the native tensors it holds. */
    private final class KvCache implements AutoCloseable {
        private OnnxTensor[] past;
        private OrtSession.Result previous;
        private final List<OnnxTensor> ownEmpty = new ArrayList<>();
        private int length;

        KvCache() throws OrtException {
            int layers = layout.layers();
            past = new OnnxTensor[2 * layers];
            long[] shape = {1, layout.heads(), 0, layout.headDim()};
            for (int i = 0; i < past.length; i++) {
                past[i] = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape);
                ownEmpty.add(past[i]);
            }
        }

        int length() {
            return length;
        }

        /** Runs the tokens of {@code step} after the cached ones; returns the logits of the last one. */
        float[] forward(long[] step) throws OrtException {
            int s = step.length;
            int total = length + s;
            Map<String, OnnxTensor> created = new HashMap<>();
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                created.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(step), new long[] {1, s}));
                long[] mask = new long[total];
                java.util.Arrays.fill(mask, 1L);
                created.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, total}));
                if (layout.positionIds()) {
                    long[] positions = new long[s];
                    for (int i = 0; i < s; i++) {
                        positions[i] = length + i;
                    }
                    created.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, s}));
                }
                if (layout.useCacheBranch()) {
                    created.put("use_cache_branch", OnnxTensor.createTensor(env, new boolean[] {length > 0}));
                }
                inputs.putAll(created);
                for (int l = 0; l < layout.layers(); l++) {
                    inputs.put("past_key_values." + l + ".key", past[2 * l]);
                    inputs.put("past_key_values." + l + ".value", past[2 * l + 1]);
                }
                OrtSession.Result result = session.run(inputs);
                OnnxTensor[] present = new OnnxTensor[past.length];
                for (int l = 0; l < layout.layers(); l++) {
                    present[2 * l] = tensor(result, "present." + l + ".key");
                    present[2 * l + 1] = tensor(result, "present." + l + ".value");
                }
                OnnxTensor logits = tensor(result, "logits");
                long[] shape = logits.getInfo().getShape();
                int vocab = (int) shape[shape.length - 1];
                FloatBuffer all = logits.getFloatBuffer();
                float[] last = new float[vocab];
                all.get(all.limit() - vocab, last);
                release();
                previous = result;
                past = present;
                length = total;
                return last;
            } finally {
                created.values().forEach(OnnxTensor::close);
            }
        }

        private OnnxTensor tensor(OrtSession.Result result, String name) {
            OnnxValue v = result.get(name).orElseThrow();
            return (OnnxTensor) v;
        }

        private void release() {
            ownEmpty.forEach(OnnxTensor::close);
            ownEmpty.clear();
            if (previous != null) {
                previous.close();
                previous = null;
            }
        }

        @Override
        public void close() {
            release();
        }
    }
}

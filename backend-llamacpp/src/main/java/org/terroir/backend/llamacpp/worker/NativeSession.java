package org.terroir.backend.llamacpp.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.terroir.backend.llamacpp.protocol.Message;
import org.terroir.backend.llamacpp.worker.capi.Batch;
import org.terroir.backend.llamacpp.worker.capi.ContextParams;
import org.terroir.backend.llamacpp.worker.capi.LlamaApi;
import org.terroir.backend.llamacpp.worker.capi.ModelParams;
import org.terroir.backend.llamacpp.worker.capi.NativeLlama;
import org.terroir.backend.llamacpp.worker.capi.SamplerChainParams;
import org.terroir.template.tools.ToolCallParser;

import com.sun.jna.Pointer;

/**
 * A model on today's llama.cpp (C API through JNA). One decode thread serves every request: each running request
 * owns a sequence of one shared context, and every step decodes one token of each generating sequence plus a chunk
 * of any waiting prompt in a single batch (continuous batching), so concurrent chats progress together. Counts and
 * finish reasons come from the tokens themselves: a prompt's tokens are counted once tokenized, every sampled token
 * is counted, and generation ends on an end-of-generation token (stop), a stop string (stop), the limit (length),
 * or a full context. A finished sequence keeps its cache, so the next request that starts with the same tokens
 * (the next turn of a chat) decodes only what is new.
 */
final class NativeSession {
    /** Receives generated text and results. */
    interface Sink {
        void token(long job, String text);

        void reply(Message message);
    }

    private static final byte TRUE = 1;
    private static final byte FALSE = 0;
    /**
     * Prompt chunks above this size can be aborted mid-decode when their request is cancelled (smaller ones end
     * before a cancel would matter). A worker system property, for measuring the callback's cost.
     */
    private static final int ABORTABLE_CHUNK = Integer.getInteger("terroir.worker.abortableChunk", 32);

    private final NativeLlama llama;
    private final LlamaApi api;
    private final Message.Load settings;
    private final Pointer model;
    private final Pointer vocab;
    private final Pointer context;
    private final Pointer memory;
    private final int nVocab;
    private final int nCtx;
    private final int nBatch;
    private final Slot[] slots;
    private final int embedSeq;
    private final Batch.ByValue batch;
    private final Templates templates;
    private final ConcurrentLinkedQueue<Job> incoming = new ConcurrentLinkedQueue<>();
    /** Requests whose prompt is being rendered and tokenized, by job id (so that a cancel reaches them too). */
    private final java.util.Map<Long, Job> preparing = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Renders templates and tokenizes prompts, one request after another: off the decode thread, which a slow
     * template (up to its 2 s limit) would otherwise stall for every running stream, and off the connection's
     * reader, which must stay free to take cancels.
     */
    private final java.util.concurrent.ExecutorService preparer = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "terroir-prepare");
                t.setDaemon(true);
                return t;
            });
    private final ConcurrentLinkedQueue<EmbedJob> embeds = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Thread decoder;
    private final Sink sink;
    private final Message.Loaded loaded;
    private volatile Job abortOwner;
    private volatile boolean closed;
    // Held for the life of the context: the library calls it during decodes (once per graph node).
    private final LlamaApi.AbortCallback abortCallback = data -> {
        Job owner = abortOwner;
        return owner != null && owner.cancelled ? TRUE : FALSE;
    };

    private static final class Slot {
        final int seq;
        /** Tokens in this sequence's cache, then (when {@code pending}) the sampled token not yet decoded. */
        final Tokens history = new Tokens();
        boolean pending;
        Job job;

        Slot(int seq) {
            this.seq = seq;
        }
    }

    private static final class Job {
        final Message.Generate request;
        final long start = System.nanoTime();
        volatile boolean cancelled;
        int[] prompt;
        int fed;
        int cached;
        int generated;
        int limit;
        long firstToken;
        Pointer sampler;
        /** The response-format grammar's sampler, made on the preparer thread; the chain owns it once started. */
        Pointer grammar;
        /** With tools: the call syntax of the model's template and the hold-back of call markup (else null). */
        ToolHold tools;
        int outputIndex = -1;
        StopMatcher stops;
        /** Each sampled token's log probability, when the request asked for them (else null). */
        List<Message.Logprob> logprobs;
        Utf8Stream text = new Utf8Stream();
        Message.Finish finish;

        Job(Message.Generate request) {
            this.request = request;
        }
    }

    private record EmbedJob(Message.Embed request) {
    }

    private NativeSession(NativeLlama llama, Message.Load settings, Pointer model, Pointer context, int parallel,
            long startNanos, Sink sink, String notice) {
        this.llama = llama;
        this.api = llama.api();
        this.settings = settings;
        this.model = model;
        this.vocab = api.llama_model_get_vocab(model);
        this.context = context;
        this.memory = api.llama_get_memory(context);
        this.nVocab = api.llama_vocab_n_tokens(vocab);
        // llama.cpp rounds the window up (to 256); requests keep to the one asked for.
        this.nCtx = Math.min(settings.contextLength(), api.llama_n_ctx_seq(context));
        this.nBatch = Math.max(1, settings.batchSize());
        this.slots = new Slot[parallel];
        for (int i = 0; i < parallel; i++) {
            slots[i] = new Slot(i);
        }
        this.embedSeq = parallel;
        this.batch = Batch.ByValue.allocate(Math.max(nBatch, parallel) + parallel);
        this.sink = sink;
        this.templates = new Templates(api, llama.meta(model, "tokenizer.chat_template"),
                tokenText(api.llama_vocab_bos(vocab)), tokenText(api.llama_vocab_eos(vocab)), settings.jinja());
        List<Message.Device> devices = llama.devices();
        int offloaded = Math.max(0, llama.offloadedLayers());
        String engine = "llama.cpp v0.4.0" + (llama.cpuVariant().isEmpty() ? "" : " (cpu " + llama.cpuVariant() + ")");
        this.loaded = new Message.Loaded(nCtx, System.nanoTime() - startNanos, engine, devices, offloaded, parallel,
                notice, nVocab);
        this.decoder = new Thread(this::decodeLoop, "terroir-decode");
        decoder.setDaemon(true);
        decoder.start();
        // The template's interpreter starts in the background (1–3 s on JDK 17): a load does not wait for it.
        preparer.execute(templates::warm);
    }

    static NativeSession open(Message.Load load, Sink sink, Consumer<String> log) {
        long start = System.nanoTime();
        NativeLlama llama;
        try {
            llama = NativeLlama.load(Path.of(load.enginePack()), log);
        } catch (UnsatisfiedLinkError e) {
            throw new WorkerFailure("engine.unavailable", load.enginePack(), String.valueOf(e.getMessage()));
        }
        String notice = GpuCheck.notice(llama);
        if (!notice.isEmpty()) {
            log.accept("terroir: " + notice);
        }
        LlamaApi api = llama.api();
        ModelParams.ByValue mp = api.llama_model_default_params();
        mp.n_gpu_layers = load.gpuLayers();
        mp.load_mode = load.mmap() ? ModelParams.LOAD_MODE_MMAP : ModelParams.LOAD_MODE_NONE;
        mp.progress_callback = progressCallback(sink);
        Pointer model = api.llama_model_load_from_file(load.modelPath(), mp);
        if (model == null) {
            throw new WorkerFailure("model.refused", load.modelPath());
        }
        int parallel = Math.max(1, load.parallel());
        ContextParams.ByValue cp = api.llama_context_default_params();
        cp.n_ctx = load.contextLength();
        cp.n_batch = Math.max(load.batchSize(), parallel);
        cp.n_ubatch = Math.min(cp.n_batch, 512);
        // One extra sequence for embeddings, so that they never disturb a running chat's cache.
        cp.n_seq_max = parallel + (load.embeddings() ? 1 : 0);
        cp.n_threads = load.threads();
        cp.n_threads_batch = load.threads();
        // Every sequence may use the whole window (as llama-server's slots do); idle caches are dropped for room.
        cp.kv_unified = TRUE;
        // One output per sequence and step for generation; embeddings read every token of their text.
        cp.n_outputs_max_per_seq = load.embeddings() ? 0 : 1;
        cp.no_perf = TRUE;
        if (load.embeddings()) {
            cp.pooling_type = load.lastTokenPooling() ? ContextParams.POOLING_LAST : ContextParams.POOLING_UNSPECIFIED;
        }
        Pointer context = api.llama_init_from_model(model, cp);
        if (context == null) {
            api.llama_model_free(model);
            throw new WorkerFailure("context.refused", String.valueOf(load.contextLength()));
        }
        return new NativeSession(llama, load, model, context, parallel, start, sink, notice);
    }

    /** Held for the life of the process: the library may call a callback as long as it lives. */
    private static final List<LlamaApi.ProgressCallback> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The load's progress to the platform, each whole percent once (llama.cpp calls it for every tensor). */
    private static LlamaApi.ProgressCallback progressCallback(Sink sink) {
        int[] sent = {-1};
        LlamaApi.ProgressCallback callback = (progress, userData) -> {
            int percent = Float.isNaN(progress) ? 0 : Math.max(0, Math.min(100, (int) (progress * 100)));
            if (percent > sent[0]) {
                sent[0] = percent;
                sink.reply(new Message.LoadProgress(percent / 100f));
            }
            return TRUE;
        };
        HELD.add(callback);
        return callback;
    }

    Message.Loaded loaded() {
        return loaded;
    }

    // ---- requests (any thread) ----

    void submit(Message.Generate request) {
        Job job = new Job(request);
        preparing.put(request.job(), job);
        preparer.execute(() -> {
            try {
                if (!job.cancelled) {
                    prepare(job);
                }
                incoming.add(job);
                wake();
            } catch (WorkerFailure e) {
                sink.reply(new Message.Failed(request.job(), e.code(), e.args()));
            } catch (RuntimeException e) {
                sink.reply(new Message.Failed(request.job(), "library", List.of(String.valueOf(e.getMessage()))));
            } finally {
                preparing.remove(request.job());
            }
        });
    }

    void submit(Message.Embed request) {
        embeds.add(new EmbedJob(request));
        wake();
    }

    void cancel(long job) {
        for (Slot slot : slots) {
            Job j = slot.job;
            if (j != null && j.request.job() == job) {
                j.cancelled = true;
            }
        }
        for (Job j : incoming) {
            if (j.request.job() == job) {
                j.cancelled = true;
            }
        }
        Job waiting = preparing.get(job);
        if (waiting != null) {
            waiting.cancelled = true;
        }
        wake();
    }

    /** Reads only the vocabulary: safe beside a running decode. */
    int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[bytes.length + 4];
        int n = api.llama_tokenize(vocab, bytes, bytes.length, tokens, tokens.length, addSpecial ? TRUE : FALSE,
                parseSpecial ? TRUE : FALSE);
        if (n < 0) {
            tokens = new int[-n];
            n = api.llama_tokenize(vocab, bytes, bytes.length, tokens, tokens.length, addSpecial ? TRUE : FALSE,
                    parseSpecial ? TRUE : FALSE);
        }
        if (n < 0) {
            throw new WorkerFailure("tokenize", String.valueOf(bytes.length));
        }
        return Arrays.copyOf(tokens, n);
    }

    private void wake() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        closed = true;
        preparer.shutdownNow();
        wake();
    }

    // ---- the decode thread ----

    private void decodeLoop() {
        while (!closed) {
            admit();
            EmbedJob embed = embeds.poll();
            if (embed != null) {
                sink.reply(runEmbed(embed.request()));
                continue;
            }
            if (!anyRunning()) {
                lock.lock();
                try {
                    if (incoming.isEmpty() && embeds.isEmpty() && !closed) {
                        work.awaitUninterruptibly();
                    }
                } finally {
                    lock.unlock();
                }
                continue;
            }
            step();
        }
    }

    private boolean anyRunning() {
        for (Slot slot : slots) {
            if (slot.job != null) {
                return true;
            }
        }
        return false;
    }

    /** Gives waiting requests a free sequence, the one whose cache shares the longest start with the prompt. */
    private void admit() {
        Job job;
        while ((job = incoming.peek()) != null) {
            if (job.cancelled) {
                incoming.poll();
                if (job.grammar != null) {
                    api.llama_sampler_free(job.grammar);
                    job.grammar = null;
                }
                sink.reply(new Message.Done(job.request.job(), 0, 0, 0, 0, Message.Finish.CANCELLED));
                continue;
            }
            Slot free = null;
            int best = -1;
            int[] prompt = job.prompt;
            for (Slot slot : slots) {
                if (slot.job == null) {
                    int common = slot.history.commonPrefix(prompt);
                    if (common > best) {
                        best = common;
                        free = slot;
                    }
                }
            }
            if (free == null) {
                return;
            }
            incoming.poll();
            start(job, free, best);
        }
    }

    /** Renders and tokenizes the prompt and checks it fits (on the preparer thread); throws when it does not. */
    private void prepare(Job job) {
        Message.Generate r = job.request;
        int[] prompt;
        if (r.turns().isEmpty()) {
            // Special tokens written in a raw prompt are the model's (as llama-server reads them).
            prompt = tokenize(r.prompt(), settings.addsBos(), true);
        } else {
            String text = templates.render(r.turns(), r.toolsJson());
            // A template that writes the BOS token itself must not get a second one from the tokenizer.
            boolean addBos = settings.addsBos() && !templates.startsWithBos(text);
            prompt = tokenize(text, addBos, true);
        }
        for (int id : prompt) {
            if (id < 0 || id >= nVocab) {
                throw new WorkerFailure("token.invalid", String.valueOf(id), String.valueOf(nVocab));
            }
        }
        if (prompt.length == 0) {
            prompt = new int[]{api.llama_vocab_bos(vocab)};
        }
        if (prompt.length >= nCtx) {
            throw new WorkerFailure("prompt.too.long", String.valueOf(prompt.length), String.valueOf(nCtx));
        }
        job.prompt = prompt;
        // Checked here, in Java: the library indexes its logit array with these ids without a bound check.
        for (int id : r.biasTokens()) {
            if (id < 0 || id >= nVocab) {
                throw new WorkerFailure("bias.token", String.valueOf(id), String.valueOf(nVocab - 1));
            }
        }
        if (r.logprobs() >= 0) {
            job.logprobs = new ArrayList<>();
        }
        String grammar = Grammars.grammar(r.format(), r.schema());
        if (r.toolsJson() != null && !r.toolsJson().isEmpty()) {
            ToolCallParser.Format format = ToolCallParser.Format.detect(templates.source(), null);
            job.tools = new ToolHold(format);
            String forced = Grammars.toolGrammar(format, r.toolsJson(), r.toolChoice(), templates.source());
            if (forced != null) {
                grammar = forced;
            }
        }
        if (grammar != null) {
            // Reads only the vocabulary; null when llama.cpp's parser rejects the text (it logs why).
            job.grammar = api.llama_sampler_init_grammar(vocab, grammar, "root");
            if (job.grammar == null) {
                throw new WorkerFailure("grammar.invalid", Grammars.firstLine(grammar));
            }
        }
    }

    private void start(Job job, Slot slot, int common) {
        Message.Generate r = job.request;
        int reuse = Math.min(common, job.prompt.length - 1);
        if (reuse <= 0 || !bool(api.llama_memory_seq_rm(memory, slot.seq, reuse, -1))) {
            api.llama_memory_seq_rm(memory, slot.seq, -1, -1);
            reuse = 0;
        }
        job.fed = reuse;
        job.cached = reuse;
        job.limit = Math.min(r.maxTokens(), nCtx - job.prompt.length);
        job.stops = new StopMatcher(r.stop());
        job.sampler = sampler(r, job.prompt, job.grammar);
        job.grammar = null;
        slot.history.truncate(reuse);
        slot.pending = false;
        slot.job = job;
    }

    /**
     * The sampler chain of one request: the grammar first (so that every later sampler, and the distribution,
     * only sees tokens the grammar allows, as llama.cpp's common sampler arranges it), then the logit bias, the
     * penalties (repeat, frequency, presence: one sampler), the truncations, the temperature and the draw. The
     * chain takes ownership of {@code grammar}.
     */
    private Pointer sampler(Message.Generate r, int[] prompt, Pointer grammar) {
        SamplerChainParams.ByValue params = api.llama_sampler_chain_default_params();
        params.no_perf = TRUE;
        Pointer chain = api.llama_sampler_chain_init(params);
        if (grammar != null) {
            api.llama_sampler_chain_add(chain, grammar);
        }
        if (!r.biasTokens().isEmpty()) {
            int n = r.biasTokens().size();
            // struct llama_logit_bias { llama_token token; float bias; }: 8 bytes; the library copies the array.
            com.sun.jna.Memory bias = new com.sun.jna.Memory(8L * n);
            for (int i = 0; i < n; i++) {
                bias.setInt(8L * i, r.biasTokens().get(i));
                bias.setFloat(8L * i + 4, r.biasValues().get(i));
            }
            api.llama_sampler_chain_add(chain, api.llama_sampler_init_logit_bias(nVocab, n, bias));
        }
        boolean repeat = r.repeatPenalty() > 0 && r.repeatPenalty() != 1f;
        if (repeat) {
            Pointer penalty = api.llama_sampler_init_penalties(nVocab, 64, r.repeatPenalty(), 0f, 0f);
            // The repeat penalty looks at the end of the prompt too, as llama-server's does. Fed to that sampler
            // alone: a grammar given prompt tokens would reject them (and llama.cpp aborts on that).
            for (int i = Math.max(0, prompt.length - 64); i < prompt.length; i++) {
                api.llama_sampler_accept(penalty, prompt[i]);
            }
            api.llama_sampler_chain_add(chain, penalty);
        }
        if (r.frequencyPenalty() != 0f || r.presencePenalty() != 0f) {
            // OpenAI's frequency and presence penalties count what the answer generated (its last 64 tokens here,
            // llama.cpp's window), not the prompt: a sampler of their own, fed only by the chain.
            api.llama_sampler_chain_add(chain, api.llama_sampler_init_penalties(nVocab, 64, 1f,
                    r.frequencyPenalty(), r.presencePenalty()));
        }
        if (r.temperature() <= 0f) {
            api.llama_sampler_chain_add(chain, api.llama_sampler_init_greedy());
        } else {
            if (r.topK() > 0) {
                api.llama_sampler_chain_add(chain, api.llama_sampler_init_top_k(r.topK()));
            }
            if (r.topP() > 0f && r.topP() < 1f) {
                api.llama_sampler_chain_add(chain, api.llama_sampler_init_top_p(r.topP(), 1));
            }
            if (r.minP() > 0f) {
                api.llama_sampler_chain_add(chain, api.llama_sampler_init_min_p(r.minP(), 1));
            }
            api.llama_sampler_chain_add(chain, api.llama_sampler_init_temp(r.temperature()));
            int seed = r.seeded() ? (int) r.seed() : (int) (System.nanoTime() ^ r.job());
            api.llama_sampler_chain_add(chain, api.llama_sampler_init_dist(seed));
        }
        return chain;
    }

    /** One decode: a token of every generating sequence, then prompt chunks up to the batch size. */
    private void step() {
        batch.clear();
        // Per slot in this batch: how much of its history was decoded before it (-1: not in the batch), so that a
        // failed decode leaves no undecoded token in a history that a later request could reuse.
        int[] decodedBefore = new int[slots.length];
        Arrays.fill(decodedBefore, -1);
        int promptTokens = 0;
        Job promptOwner = null;
        boolean shared = false;
        for (int s = 0; s < slots.length; s++) {
            Slot slot = slots[s];
            Job job = slot.job;
            if (job == null) {
                continue;
            }
            if (job.cancelled) {
                finish(slot, Message.Finish.CANCELLED);
                continue;
            }
            job.outputIndex = -1;
            if (job.fed >= job.prompt.length) {
                int at = slot.history.size() - 1;
                job.outputIndex = batch.add(slot.history.get(at), at, slot.seq, true);
                decodedBefore[s] = at;
                shared = true;
            }
        }
        for (int s = 0; s < slots.length; s++) {
            Slot slot = slots[s];
            Job job = slot.job;
            if (job == null || job.fed >= job.prompt.length) {
                continue;
            }
            int room = nBatch - batch.size();
            if (room <= 0) {
                break;
            }
            int n = Math.min(room, job.prompt.length - job.fed);
            for (int i = 0; i < n; i++) {
                int pos = job.fed + i;
                boolean last = pos == job.prompt.length - 1;
                int index = batch.add(job.prompt[pos], pos, slot.seq, last);
                if (last) {
                    job.outputIndex = index;
                }
            }
            promptTokens += n;
            if (promptOwner == null) {
                promptOwner = job;
            } else {
                shared = true;
            }
            decodedBefore[s] = slot.history.size();
            slot.history.append(job.prompt, job.fed, n);
            job.fed += n;
        }
        if (batch.size() == 0) {
            return;
        }
        // Only a batch that is one request's prompt alone may be aborted: an abort drops the whole batch.
        boolean abortable = !shared && promptOwner != null && promptTokens > ABORTABLE_CHUNK;
        Job owner = promptOwner;
        int rc;
        if (abortable) {
            // Set for long prompt decodes only: it runs once per graph node, about 1 % of a generation step.
            abortOwner = owner;
            api.llama_set_abort_callback(context, abortCallback, null);
            rc = api.llama_decode(context, batch);
            api.llama_set_abort_callback(context, null, null);
            abortOwner = null;
        } else {
            rc = api.llama_decode(context, batch);
        }
        if (rc == 2 && owner != null) {
            for (Slot slot : slots) {
                if (slot.job == owner) {
                    slot.history.truncate(0);
                    slot.pending = false;
                    finish(slot, Message.Finish.CANCELLED);
                }
            }
            return;
        }
        if (rc == 1 && dropIdleCaches()) {
            rc = api.llama_decode(context, batch);
        }
        if (rc != 0) {
            for (int s = 0; s < slots.length; s++) {
                Slot slot = slots[s];
                if (slot.job != null && decodedBefore[s] >= 0) {
                    slot.history.truncate(decodedBefore[s]);
                    slot.pending = false;
                    if (rc == 1) {
                        finish(slot, Message.Finish.CONTEXT_FULL);
                    } else {
                        fail(slot, "decode", String.valueOf(rc));
                    }
                }
            }
            return;
        }
        for (Slot slot : slots) {
            if (slot.job != null) {
                slot.pending = false;
            }
        }
        for (Slot slot : slots) {
            Job job = slot.job;
            if (job == null || job.outputIndex < 0) {
                continue;
            }
            sample(slot, job);
        }
    }

    /** Frees the caches that finished sequences keep for their next turn; true if any was freed. */
    private boolean dropIdleCaches() {
        boolean any = false;
        for (Slot slot : slots) {
            if (slot.job == null && slot.history.size() > 0) {
                api.llama_memory_seq_rm(memory, slot.seq, -1, -1);
                slot.history.truncate(0);
                any = true;
            }
        }
        return any;
    }

    private void sample(Slot slot, Job job) {
        int token = api.llama_sampler_sample(job.sampler, context, job.outputIndex);
        if (job.firstToken == 0) {
            job.firstToken = System.nanoTime() - job.start;
        }
        if (bool(api.llama_vocab_is_eog(vocab, token))) {
            finish(slot, Message.Finish.STOP);
            return;
        }
        if (token < 0 || token >= nVocab) {
            fail(slot, "token.invalid", String.valueOf(token), String.valueOf(nVocab));
            return;
        }
        if (job.logprobs != null) {
            job.logprobs.add(logprobs(job, token));
        }
        job.generated++;
        slot.history.add(token);
        slot.pending = true;
        String text = job.stops.accept(piece(job, token));
        if (job.tools != null) {
            text = job.tools.accept(text);
        }
        if (!text.isEmpty()) {
            sink.token(job.request.job(), text);
        }
        if (job.stops.stopped()) {
            finish(slot, Message.Finish.STOP);
        } else if (job.cancelled) {
            finish(slot, Message.Finish.CANCELLED);
        } else if (job.generated >= job.limit) {
            finish(slot, job.limit < job.request.maxTokens() ? Message.Finish.CONTEXT_FULL : Message.Finish.LENGTH);
        }
    }

    /**
     * The sampled token's log probability and the request's number of alternatives, from the raw logits of its
     * position (the sampler chain worked on a copy; they are as the model gave them). Only for requests that ask:
     * it reads the whole vocabulary's logits.
     */
    private Message.Logprob logprobs(Job job, int token) {
        float[] logits = api.llama_get_logits_ith(context, job.outputIndex).getFloatArray(0, nVocab);
        LogSoftmax distribution = new LogSoftmax(logits);
        List<Message.Logprob> top = new ArrayList<>();
        for (int id : distribution.top(job.request.logprobs())) {
            top.add(new Message.Logprob(tokenBytes(job, id), (float) distribution.logprob(id), List.of()));
        }
        return new Message.Logprob(tokenBytes(job, token), (float) distribution.logprob(token), top);
    }

    /** A token's bytes as the answer shows it (control tokens spelled with tools, as {@link #piece}). */
    private byte[] tokenBytes(Job job, int token) {
        byte special = job.tools != null ? TRUE : FALSE;
        byte[] buf = new byte[64];
        int n = api.llama_token_to_piece(vocab, token, buf, buf.length, 0, special);
        if (n < 0) {
            buf = new byte[-n];
            n = api.llama_token_to_piece(vocab, token, buf, buf.length, 0, special);
        }
        return Arrays.copyOf(buf, Math.max(0, n));
    }

    /** Reused by the decode thread for every token's bytes; grown when a piece is longer. */
    private byte[] pieceBuffer = new byte[256];

    /** The text a token adds to its request's answer (whole UTF-8 characters only). */
    private String piece(Job job, int token) {
        // With tools the call markup (<|python_tag|>, [TOOL_CALLS], <|channel|>: control tokens) must be seen.
        byte special = job.tools != null ? TRUE : FALSE;
        int n = api.llama_token_to_piece(vocab, token, pieceBuffer, pieceBuffer.length, 0, special);
        if (n < 0) {
            pieceBuffer = new byte[-n];
            n = api.llama_token_to_piece(vocab, token, pieceBuffer, pieceBuffer.length, 0, special);
        }
        return job.text.accept(pieceBuffer, Math.max(0, n));
    }

    private void finish(Slot slot, Message.Finish finish) {
        Job job = slot.job;
        Message.ToolCalls toolCalls = null;
        if (finish != Message.Finish.CANCELLED || job.generated > 0) {
            String rest = job.stops.accept(job.text.flush());
            if (!job.stops.stopped()) {
                rest += job.stops.flush();
            }
            if (job.tools != null) {
                rest = job.tools.accept(rest);
                ToolCallParser.Parsed parsed = job.tools.finish();
                rest += parsed.content();
                if (!parsed.calls().isEmpty()) {
                    List<String> names = new ArrayList<>();
                    List<String> arguments = new ArrayList<>();
                    for (ToolCallParser.Call call : parsed.calls()) {
                        names.add(call.name());
                        arguments.add(call.argumentsJson());
                    }
                    toolCalls = new Message.ToolCalls(job.request.job(), names, arguments);
                    if (finish == Message.Finish.STOP) {
                        finish = Message.Finish.TOOL_CALLS;
                    }
                }
            }
            if (!rest.isEmpty()) {
                sink.token(job.request.job(), rest);
            }
        }
        if (toolCalls != null) {
            sink.reply(toolCalls);
        }
        if (job.logprobs != null) {
            sink.reply(new Message.Logprobs(job.request.job(), job.logprobs));
        }
        release(slot);
        long total = System.nanoTime() - job.start;
        sink.reply(new Message.Done(job.request.job(), job.prompt.length, job.generated, job.firstToken, total, finish,
                job.cached));
    }

    private void fail(Slot slot, String code, String... args) {
        Job job = slot.job;
        release(slot);
        api.llama_memory_seq_rm(memory, slot.seq, -1, -1);
        slot.history.truncate(0);
        sink.reply(new Message.Failed(job.request.job(), code, List.of(args)));
    }

    private void release(Slot slot) {
        Job job = slot.job;
        if (job.sampler != null) {
            api.llama_sampler_free(job.sampler);
            job.sampler = null;
        }
        slot.job = null;
        // The cache holds the history up to the last decoded token; a sampled token not yet decoded is dropped.
        if (slot.pending) {
            slot.history.truncate(slot.history.size() - 1);
            slot.pending = false;
        }
        api.llama_memory_seq_rm(memory, slot.seq, slot.history.size(), -1);
    }

    private Message runEmbed(Message.Embed request) {
        List<float[]> vectors = new ArrayList<>();
        int dim = api.llama_model_n_embd(model);
        boolean encoder = bool(api.llama_model_has_encoder(model)) && !bool(api.llama_model_has_decoder(model));
        api.llama_set_embeddings(context, TRUE);
        try {
            for (String text : request.texts()) {
                int[] tokens = tokenize(text, true, false);
                if (tokens.length == 0 || tokens.length > Math.min(nBatch, nCtx)) {
                    return new Message.Failed(request.job(), "embed.too.long",
                            List.of(String.valueOf(tokens.length), String.valueOf(Math.min(nBatch, nCtx))));
                }
                api.llama_memory_seq_rm(memory, embedSeq, -1, -1);
                batch.clear();
                for (int i = 0; i < tokens.length; i++) {
                    batch.add(tokens[i], i, embedSeq, true);
                }
                int rc = encoder ? api.llama_encode(context, batch) : api.llama_decode(context, batch);
                if (rc != 0) {
                    return new Message.Failed(request.job(), "decode", List.of(String.valueOf(rc)));
                }
                Pointer vector = api.llama_get_embeddings_seq(context, embedSeq);
                if (vector == null) {
                    vector = api.llama_get_embeddings_ith(context, tokens.length - 1);
                }
                if (vector == null) {
                    return new Message.Failed(request.job(), "embed.none", List.of());
                }
                vectors.add(vector.getFloatArray(0, dim));
            }
        } finally {
            api.llama_memory_seq_rm(memory, embedSeq, -1, -1);
            api.llama_set_embeddings(context, FALSE);
        }
        return new Message.Embeddings(request.job(), vectors);
    }

    private String tokenText(int token) {
        if (token < 0) {
            return "";
        }
        Pointer text = api.llama_vocab_get_text(vocab, token);
        return text == null ? "" : text.getString(0, "UTF-8");
    }


    private static boolean bool(byte b) {
        return b != 0;
    }
}

package org.terroir.testkit.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A random-weight model of the "llama" family that llama.cpp loads and runs: SPM vocabulary with byte fallback and
 * ChatML control tokens, a ChatML chat template, F32 norms and F16/Q8_0/Q4_0 weights. It generates gibberish, but it
 * generates: the output rows of every non-normal token (EOS included) are zero, so those tokens never win greedy
 * decoding.
 *
 * <p>The default architecture, {@link Architecture#LLAMA}, also loads in the old llama.cpp b4916 (de.kherud:llama
 * 4.2.0). {@link Builder#architecture(Architecture)} writes the same sizes as Qwen3, Qwen3-MoE, Gemma 3, Gemma 4,
 * Granite or SmolLM3 instead, each with exactly the metadata and tensors llama.cpp v0.4.0 requires of it.
 *
 * <pre>{@code
 * GgufLayout file = TinyLlama.unitTest().weightType(TensorType.Q8_0).build().write(dir.resolve("tiny.gguf"));
 * TinyLlama moe = TinyLlama.unitTest().architecture(Architecture.QWEN3MOE).expertCount(8).expertUsedCount(2).build();
 * }</pre>
 */
public final class TinyLlama {
    /** The usual ChatML template (as Qwen/OpenHermes ship it); llama.cpp recognises it by "<|im_start|>". */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** Standard deviation of the random weights: small enough that activations stay finite in every layer. */
    public static final float WEIGHT_STD = 0.02f;
    /** How much larger the EOS output row is with {@link Builder#eagerEos(boolean)}. */
    private static final float EAGER_EOS_SCALE = 200f;
    /** Gemma's period of sliding-window layers: five sliding, then one full-attention layer. */
    private static final int GEMMA_SWA_PERIOD = 6;

    private final String name;
    private final Architecture architecture;
    private final int embeddingLength;
    private final int blockCount;
    private final int headCount;
    private final int headCountKv;
    private final int headDim;
    private final int fullAttentionHeadDim;
    private final int feedForwardLength;
    private final int contextLength;
    private final int vocabSize;
    private final TensorType weightType;
    private final long seed;
    private final String chatTemplate;
    private final boolean suppressSpecialTokens;
    private final boolean eagerEos;
    private final boolean tiedOutput;
    private final int expertCount;
    private final int expertUsedCount;
    private final int expertFeedForwardLength;
    private final int slidingWindow;
    private final int slidingWindowPattern;

    private TinyLlama(Builder b) {
        name = b.name;
        architecture = b.architecture;
        embeddingLength = b.embeddingLength;
        blockCount = b.blockCount;
        headCount = b.headCount;
        headCountKv = b.headCountKv;
        headDim = b.resolvedHeadDim();
        fullAttentionHeadDim = b.fullAttentionHeadDim > 0 ? b.fullAttentionHeadDim : headDim;
        feedForwardLength = b.feedForwardLength;
        contextLength = b.contextLength;
        vocabSize = b.vocabSize;
        weightType = b.weightType;
        seed = b.seed;
        chatTemplate = b.chatTemplate;
        suppressSpecialTokens = b.suppressSpecialTokens;
        eagerEos = b.eagerEos;
        tiedOutput = b.tiedOutput != null ? b.tiedOutput : architecture.tiedOutputByDefault();
        boolean moe = architecture.hasExperts();
        expertCount = moe ? (b.expertCount > 0 ? b.expertCount : 4) : 0;
        expertUsedCount = moe ? (b.expertUsedCount > 0 ? b.expertUsedCount : 2) : 0;
        expertFeedForwardLength = moe ? (b.expertFeedForwardLength > 0 ? b.expertFeedForwardLength
                : Math.max(32, feedForwardLength / expertUsedCount / 32 * 32)) : 0;
        boolean swa = architecture.hasSlidingWindow();
        slidingWindow = swa ? (b.slidingWindow > 0 ? b.slidingWindow : Math.max(1, contextLength / 4)) : 0;
        slidingWindowPattern = swa ? (b.slidingWindowPattern > 0 ? b.slidingWindowPattern
                : Math.min(GEMMA_SWA_PERIOD, blockCount)) : 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * About 0.56 M parameters (1.1 MB in F16, 0.6 MB in Q8_0, 0.35 MB in Q4_0): 2 layers, embedding 128, 4 heads of
     * 32 with 2 KV heads, feed-forward 256, vocabulary 1024, context 512. Loads in a fraction of a second.
     */
    public static Builder unitTest() {
        return builder().name("terroir-tiny-unit").embeddingLength(128).blockCount(2).headCount(4).headCountKv(2)
                .feedForwardLength(256).contextLength(512).vocabSize(1024);
    }

    /** {@link #unitTest()} of another architecture, named after it ("terroir-tiny-qwen3moe"). */
    public static Builder unitTest(Architecture architecture) {
        return unitTest().architecture(architecture).name("terroir-tiny-" + architecture.ggufName());
    }

    /**
     * About 21 M parameters (42 MB in F16, 22 MB in Q8_0, 12 MB in Q4_0): 4 layers, embedding 512, 8 heads of 64 with
     * 4 KV heads, feed-forward 1536, vocabulary 8192, context 2048.
     */
    public static Builder small() {
        return builder().name("terroir-tiny-small").embeddingLength(512).blockCount(4).headCount(8).headCountKv(4)
                .feedForwardLength(1536).contextLength(2048).vocabSize(8192);
    }

    /**
     * A benchmark model of about {@code targetParameters} (from ~20 M to a few billion): heads of 64, a quarter as
     * many KV heads (GQA), feed-forward ≈ 8/3 of the embedding, vocabulary 32000, context 4096. Among the shapes
     * within 5% of the target, the one closest to the usual depth (a layer per 64 of width) wins. The shape is sized
     * as a llama; another {@link Builder#architecture(Architecture) architecture} keeps the shape (tied output or
     * experts then change the count).
     */
    public static Builder bench(long targetParameters) {
        Builder best = null;
        double bestScore = Double.MAX_VALUE;
        for (int d = 256; d <= 8192; d += 256) {
            int heads = d / 64;
            int ff = (d * 8 / 3 + 255) / 256 * 256;
            Builder shape = builder().embeddingLength(d).headCount(heads).headCountKv(heads / 4)
                    .feedForwardLength(ff).contextLength(4096).vocabSize(32000);
            long fixed = shape.blockCount(1).build().parameterCount();
            long perLayer = shape.blockCount(2).build().parameterCount() - fixed;
            int layers = (int) Math.max(2, Math.min(256, Math.round((targetParameters - fixed + perLayer) / (double) perLayer)));
            shape.blockCount(layers).name("terroir-bench-" + d + "x" + layers);
            double distance = Math.abs(shape.build().parameterCount() - targetParameters) / (double) targetParameters;
            double score = distance > 0.05 ? 100 + distance : Math.abs(Math.log(layers * 64.0 / d));
            if (score < bestScore) {
                best = shape;
                bestScore = score;
            }
        }
        return best;
    }

    public String name() {
        return name;
    }

    public Architecture architecture() {
        return architecture;
    }

    public int embeddingLength() {
        return embeddingLength;
    }

    public int blockCount() {
        return blockCount;
    }

    public int headCount() {
        return headCount;
    }

    public int headCountKv() {
        return headCountKv;
    }

    public int feedForwardLength() {
        return feedForwardLength;
    }

    public int contextLength() {
        return contextLength;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public TensorType weightType() {
        return weightType;
    }

    public long seed() {
        return seed;
    }

    /** Size of one attention head (key and value): embedding / heads unless {@link Builder#headDim(int)} said. */
    public int headDim() {
        return headDim;
    }

    /**
     * Size of one attention head in the full-attention layers: {@link #headDim()} except for a Gemma 4 given
     * {@link Builder#fullAttentionHeadDim(int)} (the released Gemma 4 models have 512 there, 256 in sliding layers).
     */
    public int fullAttentionHeadDim() {
        return fullAttentionHeadDim;
    }

    /** Size of one attention head in layer {@code layer}. */
    public int headDim(int layer) {
        return isSlidingWindowLayer(layer) ? headDim : fullAttentionHeadDim;
    }

    /** Whether the token embedding is also the output matrix (no output.weight in the file). */
    public boolean tiedOutput() {
        return tiedOutput;
    }

    /** Experts per MoE layer; 0 for a dense architecture. */
    public int expertCount() {
        return expertCount;
    }

    /** Experts each token is routed to; 0 for a dense architecture. */
    public int expertUsedCount() {
        return expertUsedCount;
    }

    /** Feed-forward length of one expert; 0 for a dense architecture. */
    public int expertFeedForwardLength() {
        return expertFeedForwardLength;
    }

    /** Sliding-window size in tokens; 0 for an architecture without sliding-window attention. */
    public int slidingWindow() {
        return slidingWindow;
    }

    /** Every this many layers, the last one has full attention and the others the sliding window; 0 without. */
    public int slidingWindowPattern() {
        return slidingWindowPattern;
    }

    /** Whether layer {@code layer} uses the sliding window (Gemma's rule: all but the last of each period). */
    public boolean isSlidingWindowLayer(int layer) {
        return slidingWindowPattern > 0 && layer % slidingWindowPattern < slidingWindowPattern - 1;
    }

    /** Total number of weights, as llama.cpp reports it (the sum of every tensor's elements). */
    public long parameterCount() {
        long[] sum = {0};
        tensors((name, type, dims, data) -> {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            sum[0] += n;
        });
        return sum[0];
    }

    /** The vocabulary this model carries. */
    public TinyVocabulary vocabulary() {
        return TinyVocabulary.of(vocabSize);
    }

    /** Writes the model; returns where everything went. */
    public GgufLayout write(Path file) {
        try {
            return toWriter().write(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A writer holding this model, for tests that want to change metadata or tensors before writing. */
    public GgufWriter toWriter() {
        TinyVocabulary vocab = vocabulary();
        GgufWriter w = new GgufWriter();
        String a = architecture.ggufName() + ".";
        boolean gemma = architecture == Architecture.GEMMA3 || architecture == Architecture.GEMMA4;
        w.putString("general.architecture", architecture.ggufName());
        w.putString("general.name", name);
        w.putUInt32("general.file_type", weightType.fileType());
        w.putUInt32("general.quantization_version", 2);
        w.alignment(GgufWriter.DEFAULT_ALIGNMENT);
        w.putUInt32(a + "context_length", contextLength);
        w.putUInt32(a + "embedding_length", embeddingLength);
        w.putUInt32(a + "block_count", blockCount);
        w.putUInt32(a + "feed_forward_length", feedForwardLength);
        w.putUInt32(a + "attention.head_count", headCount);
        w.putUInt32(a + "attention.head_count_kv", headCountKv);
        w.putUInt32(a + "rope.dimension_count", fullAttentionHeadDim);
        w.putFloat32(a + "rope.freq_base", gemma ? 1_000_000f : 10000f);
        w.putFloat32(a + "attention.layer_norm_rms_epsilon", gemma ? 1e-6f : 1e-5f);
        w.putUInt32(a + "vocab_size", vocabSize);
        // the llama files stay as they always were; the others say their head size, as converted models do
        if (architecture != Architecture.LLAMA || headDim != embeddingLength / headCount) {
            w.putUInt32(a + "attention.key_length", fullAttentionHeadDim);
            w.putUInt32(a + "attention.value_length", fullAttentionHeadDim);
        }
        if (architecture.hasExperts()) {
            w.putUInt32(a + "expert_count", expertCount);
            w.putUInt32(a + "expert_used_count", expertUsedCount);
            w.putUInt32(a + "expert_feed_forward_length", expertFeedForwardLength);
        }
        if (architecture.hasSlidingWindow()) {
            w.putUInt32(a + "attention.sliding_window", slidingWindow);
            w.putFloat32(a + "rope.freq_base_swa", 10000f);
        }
        switch (architecture) {
            case GEMMA3:
                w.putUInt32(a + "attention.sliding_window_pattern", slidingWindowPattern);
                break;
            case GEMMA4:
                List<Boolean> pattern = new ArrayList<>();
                for (int i = 0; i < blockCount; i++) {
                    pattern.add(isSlidingWindowLayer(i));
                }
                w.putArray(a + "attention.sliding_window_pattern", GgufValueType.BOOL, pattern);
                w.putUInt32(a + "attention.key_length_swa", headDim);
                w.putUInt32(a + "attention.value_length_swa", headDim);
                w.putUInt32(a + "rope.dimension_count_swa", headDim);
                w.putUInt32(a + "embedding_length_per_layer_input", 0);
                w.putFloat32(a + "final_logit_softcapping", 30f);
                break;
            case GRANITE:
                // the scales of granite-3.x: they change magnitudes, not which token wins
                w.putFloat32(a + "logit_scale", 8f);
                w.putFloat32(a + "residual_scale", 0.22f);
                w.putFloat32(a + "embedding_scale", 12f);
                w.putFloat32(a + "attention.scale", 1f / headDim);
                break;
            default:
                break;
        }
        w.putString("tokenizer.ggml.model", "llama");
        w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, vocab.tokens());
        w.putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, vocab.scores());
        w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, vocab.types());
        w.putUInt32("tokenizer.ggml.bos_token_id", TinyVocabulary.BOS_ID);
        // EOS is ChatML's end of turn, so that chat generation stops where a chat model would
        w.putUInt32("tokenizer.ggml.eos_token_id", TinyVocabulary.IM_END_ID);
        w.putUInt32("tokenizer.ggml.unknown_token_id", TinyVocabulary.UNK_ID);
        w.putUInt32("tokenizer.ggml.padding_token_id", TinyVocabulary.UNK_ID);
        w.putBool("tokenizer.ggml.add_bos_token", true);
        w.putBool("tokenizer.ggml.add_eos_token", false);
        if (chatTemplate != null) {
            w.putString("tokenizer.chat_template", chatTemplate);
        }
        tensors(w::addTensor);
        return w;
    }

    /** Receives the tensors of the model, in file order. */
    @FunctionalInterface
    private interface TensorSink {
        void add(String name, TensorType type, long[] dims, TensorData data);
    }

    /**
     * Every tensor llama.cpp creates for this architecture, with its GGUF shape (ne[0] first). The loader rejects a
     * file with a missing tensor, a wrong shape or a tensor it did not ask for.
     */
    private void tensors(TensorSink sink) {
        long d = embeddingLength;
        long ff = feedForwardLength;
        TensorData ones = TensorData.constant(1f);

        // the logits' matrix: output.weight, or the token embedding when tied
        TensorData outputRows = random(tiedOutput ? "token_embd.weight" : "output.weight");
        if (suppressSpecialTokens) {
            // in TinyVocabulary every token before the first word piece is special (unknown, control or byte)
            outputRows = outputRows.withZeroRows(row -> row < TinyVocabulary.FIRST_PIECE_ID);
        }
        if (eagerEos) {
            TensorData others = outputRows;
            TensorData eos = random("output.weight.eos");
            outputRows = (index, row) -> {
                if (index == TinyVocabulary.IM_END_ID) {
                    eos.fillRow(index, row);
                    for (int i = 0; i < row.length; i++) {
                        row[i] *= EAGER_EOS_SCALE;
                    }
                } else {
                    others.fillRow(index, row);
                }
            };
        }
        sink.add("token_embd.weight", weightType, new long[]{d, vocabSize},
                tiedOutput ? outputRows : random("token_embd.weight"));
        for (int i = 0; i < blockCount; i++) {
            String p = "blk." + i + ".";
            int hd = headDim(i);
            long q = (long) headCount * hd;
            long kv = (long) headCountKv * hd;
            sink.add(p + "attn_norm.weight", TensorType.F32, new long[]{d}, ones);
            sink.add(p + "attn_q.weight", weightType, new long[]{d, q}, random(p + "attn_q.weight"));
            sink.add(p + "attn_k.weight", weightType, new long[]{d, kv}, random(p + "attn_k.weight"));
            sink.add(p + "attn_v.weight", weightType, new long[]{d, kv}, random(p + "attn_v.weight"));
            sink.add(p + "attn_output.weight", weightType, new long[]{q, d}, random(p + "attn_output.weight"));
            if (architecture.hasQkNorm()) {
                sink.add(p + "attn_q_norm.weight", TensorType.F32, new long[]{hd}, ones);
                sink.add(p + "attn_k_norm.weight", TensorType.F32, new long[]{hd}, ones);
            }
            if (architecture.hasPostNorms()) {
                sink.add(p + "post_attention_norm.weight", TensorType.F32, new long[]{d}, ones);
            }
            sink.add(p + "ffn_norm.weight", TensorType.F32, new long[]{d}, ones);
            if (architecture.hasExperts()) {
                long fe = expertFeedForwardLength;
                // the router stays F32, as llama-quantize leaves it
                sink.add(p + "ffn_gate_inp.weight", TensorType.F32, new long[]{d, expertCount}, random(p + "ffn_gate_inp.weight"));
                sink.add(p + "ffn_gate_exps.weight", weightType, new long[]{d, fe, expertCount}, random(p + "ffn_gate_exps.weight"));
                sink.add(p + "ffn_down_exps.weight", weightType, new long[]{fe, d, expertCount}, random(p + "ffn_down_exps.weight"));
                sink.add(p + "ffn_up_exps.weight", weightType, new long[]{d, fe, expertCount}, random(p + "ffn_up_exps.weight"));
            } else {
                sink.add(p + "ffn_gate.weight", weightType, new long[]{d, ff}, random(p + "ffn_gate.weight"));
                sink.add(p + "ffn_down.weight", weightType, new long[]{ff, d}, random(p + "ffn_down.weight"));
                sink.add(p + "ffn_up.weight", weightType, new long[]{d, ff}, random(p + "ffn_up.weight"));
            }
            if (architecture.hasPostNorms()) {
                sink.add(p + "post_ffw_norm.weight", TensorType.F32, new long[]{d}, ones);
            }
        }
        if (architecture == Architecture.GEMMA4 && !allLayersSlide()) {
            // frequency factors of the full-attention layers' RoPE (one tensor shared by all); 1 = plain RoPE
            sink.add("rope_freqs.weight", TensorType.F32, new long[]{fullAttentionHeadDim / 2}, ones);
        }
        sink.add("output_norm.weight", TensorType.F32, new long[]{d}, ones);
        if (!tiedOutput) {
            sink.add("output.weight", weightType, new long[]{d, vocabSize}, outputRows);
        }
    }

    private boolean allLayersSlide() {
        for (int i = 0; i < blockCount; i++) {
            if (!isSlidingWindowLayer(i)) {
                return false;
            }
        }
        return true;
    }

    private TensorData random(String tensor) {
        return TensorData.random(seed ^ TensorData.mix(tensor.hashCode()), WEIGHT_STD);
    }

    @Override
    public String toString() {
        String extra = (architecture.hasExperts() ? String.format(", experts=%d/%d of ff %d", expertUsedCount,
                expertCount, expertFeedForwardLength) : "")
                + (architecture.hasSlidingWindow() ? String.format(", window=%d every %d", slidingWindow,
                slidingWindowPattern) : "")
                + (fullAttentionHeadDim != headDim ? ", full-attention heads of " + fullAttentionHeadDim : "")
                + (tiedOutput ? ", tied" : "");
        return String.format("%s: %s, %,d parameters, %s, d=%d, layers=%d, heads=%d/%d of %d, ff=%d, ctx=%d, vocab=%d%s",
                name, architecture.ggufName(), parameterCount(), weightType, embeddingLength, blockCount, headCount,
                headCountKv, headDim, feedForwardLength, contextLength, vocabSize, extra);
    }

    /** Shape and encoding of a {@link TinyLlama}; defaults are those of {@link #unitTest()} in F16. */
    public static final class Builder {
        private String name = "terroir-tiny";
        private Architecture architecture = Architecture.LLAMA;
        private int embeddingLength = 128;
        private int blockCount = 2;
        private int headCount = 4;
        private int headCountKv = 2;
        private int headDim;
        private int fullAttentionHeadDim;
        private int feedForwardLength = 256;
        private int contextLength = 512;
        private int vocabSize = 1024;
        private TensorType weightType = TensorType.F16;
        private long seed = 42;
        private String chatTemplate = CHATML_TEMPLATE;
        private boolean suppressSpecialTokens = true;
        private boolean eagerEos;
        private Boolean tiedOutput;
        private int expertCount;
        private int expertUsedCount;
        private int expertFeedForwardLength;
        private int slidingWindow;
        private int slidingWindowPattern;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /** The architecture to write (default {@link Architecture#LLAMA}); the sizes keep their meaning. */
        public Builder architecture(Architecture architecture) {
            this.architecture = Objects.requireNonNull(architecture);
            return this;
        }

        public Builder embeddingLength(int n) {
            embeddingLength = n;
            return this;
        }

        public Builder blockCount(int n) {
            blockCount = n;
            return this;
        }

        public Builder headCount(int n) {
            headCount = n;
            return this;
        }

        public Builder headCountKv(int n) {
            headCountKv = n;
            return this;
        }

        /**
         * Size of one attention head; 0 (the default) means embedding length / head count. Qwen3 and Gemma models
         * have heads × head size ≠ embedding length; this writes such shapes ({@code attention.key_length}).
         */
        public Builder headDim(int n) {
            headDim = n;
            return this;
        }

        /**
         * Gemma 4 only: the head size of the full-attention layers, when it differs from {@link #headDim(int)} (which
         * then is the sliding layers'): written as {@code key_length}/{@code rope.dimension_count}, the sliding
         * layers' as {@code key_length_swa}/{@code rope.dimension_count_swa}. 0 (the default) means the same.
         */
        public Builder fullAttentionHeadDim(int n) {
            fullAttentionHeadDim = n;
            return this;
        }

        public Builder feedForwardLength(int n) {
            feedForwardLength = n;
            return this;
        }

        public Builder contextLength(int n) {
            contextLength = n;
            return this;
        }

        public Builder vocabSize(int n) {
            vocabSize = n;
            return this;
        }

        /** F16, Q8_0 or Q4_0 (F32 also works); norms (and a MoE router) are always F32. */
        public Builder weightType(TensorType type) {
            weightType = Objects.requireNonNull(type);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The tokenizer.chat_template; null leaves it out (the model then has no template of its own). */
        public Builder chatTemplate(String template) {
            chatTemplate = template;
            return this;
        }

        /**
         * Whether control, byte and unknown tokens (EOS among them) get zero output weights, so that they are never
         * the most likely token (default true). Turn off to let generation end on EOS by chance.
         */
        public Builder suppressSpecialTokens(boolean suppress) {
            suppressSpecialTokens = suppress;
            return this;
        }

        /**
         * Makes generation end early on EOS ({@code <|im_end|>}), for tests of the stop path: the EOS output row is
         * so large that EOS wins whenever its logit is positive, i.e. on about half of the steps (which ones depends
         * on seed and prompt; the chance of 16 steps without EOS is 2^-16). Default false.
         */
        public Builder eagerEos(boolean eager) {
            eagerEos = eager;
            return this;
        }

        /**
         * Whether the token embedding doubles as the output matrix (no output.weight). Default: as the
         * architecture's released models (tied for Gemma, Granite and SmolLM3). With a tied output the rows that
         * {@link #suppressSpecialTokens} zeroes and {@link #eagerEos} enlarges are the token embedding's. With random
         * weights a tied model tends to repeat one token (the input's own embedding row wins the logits); choose
         * {@code tiedOutput(false)} where a test wants varied tokens.
         */
        public Builder tiedOutput(boolean tied) {
            tiedOutput = tied;
            return this;
        }

        /** Experts per layer of a MoE architecture (default 4). */
        public Builder expertCount(int n) {
            expertCount = n;
            return this;
        }

        /** Experts per token of a MoE architecture (default 2). */
        public Builder expertUsedCount(int n) {
            expertUsedCount = n;
            return this;
        }

        /** Feed-forward length of one expert (default feed-forward length / experts used). */
        public Builder expertFeedForwardLength(int n) {
            expertFeedForwardLength = n;
            return this;
        }

        /** Sliding-window size of a Gemma architecture (default a quarter of the context length). */
        public Builder slidingWindow(int tokens) {
            slidingWindow = tokens;
            return this;
        }

        /**
         * Gemma's sliding-window period: of every {@code n} layers the last has full attention, the others slide
         * (default 6, or the layer count when smaller, so that even a 2-layer model has one full layer).
         */
        public Builder slidingWindowPattern(int n) {
            slidingWindowPattern = n;
            return this;
        }

        private int resolvedHeadDim() {
            return headDim > 0 ? headDim : embeddingLength / Math.max(1, headCount);
        }

        public TinyLlama build() {
            require(embeddingLength > 0 && blockCount > 0 && headCount > 0 && headCountKv > 0
                    && feedForwardLength > 0 && contextLength > 0, "all sizes must be positive");
            require(headDim > 0 || embeddingLength % headCount == 0,
                    "embedding length must be a multiple of the head count");
            require(headCount % headCountKv == 0, "head count must be a multiple of the KV head count");
            require(resolvedHeadDim() % 2 == 0, "head dimension must be even (RoPE)");
            require(headDim == 0 || architecture != Architecture.LLAMA || headDim == embeddingLength / headCount,
                    "llama.cpp requires heads of embedding / head count for the llama architecture");
            require(fullAttentionHeadDim == 0 || architecture == Architecture.GEMMA4,
                    "only Gemma 4 has a separate head size for full-attention layers");
            require(fullAttentionHeadDim % 2 == 0 && fullAttentionHeadDim >= 0, "head dimension must be even (RoPE)");
            int block = weightType.blockSize();
            require((long) headCount * fullAttentionHeadDim % block == 0,
                    "attention lengths must be multiples of " + block + " for " + weightType);
            require(embeddingLength % block == 0 && feedForwardLength % block == 0
                            && (long) headCount * resolvedHeadDim() % block == 0,
                    "embedding, feed-forward and attention lengths must be multiples of " + block + " for " + weightType);
            require(expertCount >= 0 && expertUsedCount >= 0 && expertFeedForwardLength >= 0
                    && slidingWindow >= 0 && slidingWindowPattern >= 0, "sizes must not be negative");
            if (architecture.hasExperts()) {
                int experts = expertCount > 0 ? expertCount : 4;
                int used = expertUsedCount > 0 ? expertUsedCount : 2;
                require(used <= experts, "experts used (" + used + ") must not exceed experts (" + experts + ")");
                require(expertFeedForwardLength % block == 0,
                        "expert feed-forward length must be a multiple of " + block + " for " + weightType);
            }
            require(vocabSize >= TinyVocabulary.minimumSize(), "vocabulary must have at least "
                    + TinyVocabulary.minimumSize() + " tokens");
            return new TinyLlama(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}

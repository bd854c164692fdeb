package org.terroir.testkit.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A random-weight model of the "llama" architecture that llama.cpp (b4916, as bundled by de.kherud:llama 4.2.0)
 * loads and runs: SPM vocabulary with byte fallback and ChatML control tokens, a ChatML chat template, F32 norms and
 * F16/Q8_0/Q4_0 weights. It generates gibberish, but it generates: the output rows of every non-normal token (EOS
 * included) are zero, so those tokens never win greedy decoding.
 *
 * <pre>{@code
 * GgufLayout file = TinyLlama.unitTest().weightType(TensorType.Q8_0).build().write(dir.resolve("tiny.gguf"));
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

    private final String name;
    private final int embeddingLength;
    private final int blockCount;
    private final int headCount;
    private final int headCountKv;
    private final int feedForwardLength;
    private final int contextLength;
    private final int vocabSize;
    private final TensorType weightType;
    private final long seed;
    private final String chatTemplate;
    private final boolean suppressSpecialTokens;
    private final boolean eagerEos;

    private TinyLlama(Builder b) {
        name = b.name;
        embeddingLength = b.embeddingLength;
        blockCount = b.blockCount;
        headCount = b.headCount;
        headCountKv = b.headCountKv;
        feedForwardLength = b.feedForwardLength;
        contextLength = b.contextLength;
        vocabSize = b.vocabSize;
        weightType = b.weightType;
        seed = b.seed;
        chatTemplate = b.chatTemplate;
        suppressSpecialTokens = b.suppressSpecialTokens;
        eagerEos = b.eagerEos;
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
     * within 5% of the target, the one closest to the usual depth (a layer per 64 of width) wins.
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

    public int headDim() {
        return embeddingLength / headCount;
    }

    /** Total number of weights, as llama.cpp reports it. */
    public long parameterCount() {
        long d = embeddingLength;
        long kv = (long) headCountKv * headDim();
        long perLayer = 2 * d + d * d * 2 + d * kv * 2 + 3 * d * feedForwardLength;
        return 2L * vocabSize * d + d + blockCount * perLayer;
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
        w.putString("general.architecture", "llama");
        w.putString("general.name", name);
        w.putUInt32("general.file_type", weightType.fileType());
        w.putUInt32("general.quantization_version", 2);
        w.alignment(GgufWriter.DEFAULT_ALIGNMENT);
        w.putUInt32("llama.context_length", contextLength);
        w.putUInt32("llama.embedding_length", embeddingLength);
        w.putUInt32("llama.block_count", blockCount);
        w.putUInt32("llama.feed_forward_length", feedForwardLength);
        w.putUInt32("llama.attention.head_count", headCount);
        w.putUInt32("llama.attention.head_count_kv", headCountKv);
        w.putUInt32("llama.rope.dimension_count", headDim());
        w.putFloat32("llama.rope.freq_base", 10000f);
        w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.putUInt32("llama.vocab_size", vocabSize);
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

        long d = embeddingLength;
        long kv = (long) headCountKv * headDim();
        TensorData outputRows = random("output.weight");
        if (suppressSpecialTokens) {
            List<Integer> types = vocab.types();
            outputRows = outputRows.withZeroRows(row -> types.get((int) row) != TinyVocabulary.NORMAL);
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
        w.addTensor("token_embd.weight", weightType, new long[]{d, vocabSize}, random("token_embd.weight"));
        for (int i = 0; i < blockCount; i++) {
            String p = "blk." + i + ".";
            w.addTensor(p + "attn_norm.weight", TensorType.F32, new long[]{d}, TensorData.constant(1f));
            w.addTensor(p + "attn_q.weight", weightType, new long[]{d, d}, random(p + "attn_q.weight"));
            w.addTensor(p + "attn_k.weight", weightType, new long[]{d, kv}, random(p + "attn_k.weight"));
            w.addTensor(p + "attn_v.weight", weightType, new long[]{d, kv}, random(p + "attn_v.weight"));
            w.addTensor(p + "attn_output.weight", weightType, new long[]{d, d}, random(p + "attn_output.weight"));
            w.addTensor(p + "ffn_norm.weight", TensorType.F32, new long[]{d}, TensorData.constant(1f));
            w.addTensor(p + "ffn_gate.weight", weightType, new long[]{d, feedForwardLength}, random(p + "ffn_gate.weight"));
            w.addTensor(p + "ffn_down.weight", weightType, new long[]{feedForwardLength, d}, random(p + "ffn_down.weight"));
            w.addTensor(p + "ffn_up.weight", weightType, new long[]{d, feedForwardLength}, random(p + "ffn_up.weight"));
        }
        w.addTensor("output_norm.weight", TensorType.F32, new long[]{d}, TensorData.constant(1f));
        w.addTensor("output.weight", weightType, new long[]{d, vocabSize}, outputRows);
        return w;
    }

    private TensorData random(String tensor) {
        return TensorData.random(seed ^ TensorData.mix(tensor.hashCode()), WEIGHT_STD);
    }

    @Override
    public String toString() {
        return String.format("%s: %,d parameters, %s, d=%d, layers=%d, heads=%d/%d, ff=%d, ctx=%d, vocab=%d", name,
                parameterCount(), weightType, embeddingLength, blockCount, headCount, headCountKv, feedForwardLength,
                contextLength, vocabSize);
    }

    /** Shape and encoding of a {@link TinyLlama}; defaults are those of {@link #unitTest()} in F16. */
    public static final class Builder {
        private String name = "terroir-tiny";
        private int embeddingLength = 128;
        private int blockCount = 2;
        private int headCount = 4;
        private int headCountKv = 2;
        private int feedForwardLength = 256;
        private int contextLength = 512;
        private int vocabSize = 1024;
        private TensorType weightType = TensorType.F16;
        private long seed = 42;
        private String chatTemplate = CHATML_TEMPLATE;
        private boolean suppressSpecialTokens = true;
        private boolean eagerEos;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
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

        /** F16, Q8_0 or Q4_0 (F32 also works); norms are always F32. */
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

        public TinyLlama build() {
            require(embeddingLength > 0 && blockCount > 0 && headCount > 0 && headCountKv > 0
                    && feedForwardLength > 0 && contextLength > 0, "all sizes must be positive");
            require(embeddingLength % headCount == 0, "embedding length must be a multiple of the head count");
            require(headCount % headCountKv == 0, "head count must be a multiple of the KV head count");
            require((embeddingLength / headCount) % 2 == 0, "head dimension must be even (RoPE)");
            int block = weightType.blockSize();
            require(embeddingLength % block == 0 && feedForwardLength % block == 0,
                    "embedding and feed-forward lengths must be multiples of " + block + " for " + weightType);
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

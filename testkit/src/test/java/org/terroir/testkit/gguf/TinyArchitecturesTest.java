package org.terroir.testkit.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The metadata and tensor tables of every architecture, read back. The tables expected here are those llama.cpp
 * v0.4.0 creates for each architecture (its loader refuses a missing, misshapen or unexpected tensor);
 * bench/run-engine prove loads the same files into llama.cpp itself.
 */
class TinyArchitecturesTest {
    private static final int F32 = 0;

    @TempDir
    Path dir;

    private ParsedGguf write(TinyLlama model) throws IOException {
        Path file = dir.resolve(model.name() + "-" + model.weightType() + ".gguf");
        GgufLayout layout = model.write(file);
        assertEquals(Files.size(file), layout.fileSize());
        return ParsedGguf.parse(file);
    }

    private static Map<String, List<Long>> shapes(ParsedGguf p) {
        Map<String, List<Long>> shapes = new TreeMap<>();
        for (ParsedGguf.Tensor t : p.tensors()) {
            List<Long> dims = new ArrayList<>();
            for (long d : t.dims()) {
                dims.add(d);
            }
            shapes.put(t.name(), dims);
        }
        return shapes;
    }

    /** What llama.cpp creates for the unit-test sizes (d=128, 2 layers, 4 heads of 32, 2 KV heads, ff 256). */
    private static Map<String, List<Long>> expectedUnitTensors(Architecture a) {
        Map<String, List<Long>> t = new LinkedHashMap<>();
        t.put("token_embd.weight", List.of(128L, 1024L));
        t.put("output_norm.weight", List.of(128L));
        if (!a.tiedOutputByDefault()) {
            t.put("output.weight", List.of(128L, 1024L));
        }
        for (int i = 0; i < 2; i++) {
            String p = "blk." + i + ".";
            t.put(p + "attn_norm.weight", List.of(128L));
            t.put(p + "attn_q.weight", List.of(128L, 128L));
            t.put(p + "attn_k.weight", List.of(128L, 64L));
            t.put(p + "attn_v.weight", List.of(128L, 64L));
            t.put(p + "attn_output.weight", List.of(128L, 128L));
            t.put(p + "ffn_norm.weight", List.of(128L));
            if (a.hasQkNorm()) {
                t.put(p + "attn_q_norm.weight", List.of(32L));
                t.put(p + "attn_k_norm.weight", List.of(32L));
            }
            if (a.hasPostNorms()) {
                t.put(p + "post_attention_norm.weight", List.of(128L));
                t.put(p + "post_ffw_norm.weight", List.of(128L));
            }
            if (a.hasExperts()) {
                t.put(p + "ffn_gate_inp.weight", List.of(128L, 4L));
                t.put(p + "ffn_gate_exps.weight", List.of(128L, 128L, 4L));
                t.put(p + "ffn_up_exps.weight", List.of(128L, 128L, 4L));
                t.put(p + "ffn_down_exps.weight", List.of(128L, 128L, 4L));
            } else {
                t.put(p + "ffn_gate.weight", List.of(128L, 256L));
                t.put(p + "ffn_up.weight", List.of(128L, 256L));
                t.put(p + "ffn_down.weight", List.of(256L, 128L));
            }
        }
        if (a == Architecture.GEMMA4) {
            t.put("rope_freqs.weight", List.of(16L));
        }
        return new TreeMap<>(t);
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void tensorTableIsWhatLlamaCppCreates(Architecture a) throws IOException {
        TinyLlama model = TinyLlama.unitTest(a).weightType(TensorType.Q8_0).build();
        ParsedGguf p = write(model);
        assertEquals(expectedUnitTensors(a), shapes(p), a.ggufName());
        for (ParsedGguf.Tensor t : p.tensors()) {
            boolean f32 = t.name().endsWith("norm.weight") || t.name().equals("rope_freqs.weight")
                    || t.name().endsWith("ffn_gate_inp.weight");
            assertEquals(f32 ? F32 : TensorType.Q8_0.id(), t.type(), t.name());
        }
        long elements = p.tensors().stream()
                .mapToLong(t -> java.util.Arrays.stream(t.dims()).reduce(1, Math::multiplyExact)).sum();
        assertEquals(model.parameterCount(), elements, "parameterCount is what llama.cpp reports");
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void commonMetadataUsesTheArchitecturePrefix(Architecture a) throws IOException {
        ParsedGguf p = write(TinyLlama.unitTest(a).build());
        Map<String, Object> m = p.metadata();
        String k = a.ggufName() + ".";
        assertEquals(a.ggufName(), m.get("general.architecture"));
        assertEquals("terroir-tiny-" + a.ggufName(), m.get("general.name"));
        assertEquals(512L, m.get(k + "context_length"));
        assertEquals(128L, m.get(k + "embedding_length"));
        assertEquals(2L, m.get(k + "block_count"));
        assertEquals(256L, m.get(k + "feed_forward_length"));
        assertEquals(4L, m.get(k + "attention.head_count"));
        assertEquals(2L, m.get(k + "attention.head_count_kv"));
        assertEquals(32L, m.get(k + "rope.dimension_count"));
        assertTrue(m.containsKey(k + "attention.layer_norm_rms_epsilon"));
        assertEquals(a != Architecture.LLAMA, m.containsKey(k + "attention.key_length"), "key_length");
        assertEquals(a.hasExperts(), m.containsKey(k + "expert_count"));
        assertEquals(a.hasSlidingWindow(), m.containsKey(k + "attention.sliding_window"));
        assertEquals(1024, ((GgufArray) m.get("tokenizer.ggml.tokens")).values().size());
        for (String key : m.keySet()) {
            assertTrue(key.startsWith("general.") || key.startsWith("tokenizer.") || key.startsWith(k), key);
        }
    }

    @Test
    void llamaFilesAreUnchangedByTheArchitectureOption() throws IOException {
        byte[] plain = Files.readAllBytes(TinyLlama.unitTest().build().write(dir.resolve("a.gguf")).file());
        byte[] explicit = Files.readAllBytes(TinyLlama.unitTest().architecture(Architecture.LLAMA).build()
                .write(dir.resolve("b.gguf")).file());
        assertArrayEquals(plain, explicit);
        ParsedGguf p = ParsedGguf.parse(dir.resolve("a.gguf"));
        assertEquals(3 + 2 * 9, p.tensors().size());
        assertEquals(26, p.metadata().size(), "the keys the llama writer always wrote: " + p.metadata().keySet());
    }

    @Test
    void qwen3HeadsWiderThanTheEmbedding() throws IOException {
        // as Qwen3-0.6B: 16 heads of 128 on an embedding of 1024; here 4 heads of 64 on 128
        TinyLlama model = TinyLlama.unitTest(Architecture.QWEN3).headDim(64).build();
        ParsedGguf p = write(model);
        assertEquals(64, model.headDim());
        assertEquals(64L, p.metadata().get("qwen3.attention.key_length"));
        assertEquals(64L, p.metadata().get("qwen3.attention.value_length"));
        assertEquals(64L, p.metadata().get("qwen3.rope.dimension_count"));
        Map<String, List<Long>> s = shapes(p);
        assertEquals(List.of(128L, 256L), s.get("blk.0.attn_q.weight"));
        assertEquals(List.of(128L, 128L), s.get("blk.0.attn_k.weight"));
        assertEquals(List.of(256L, 128L), s.get("blk.0.attn_output.weight"));
        assertEquals(List.of(64L), s.get("blk.1.attn_q_norm.weight"));
        assertThrows(IllegalArgumentException.class, () -> TinyLlama.unitTest().headDim(64).build(),
                "llama.cpp rejects other head sizes for llama");
    }

    @Test
    void qwen3MoeExperts() throws IOException {
        TinyLlama model = TinyLlama.unitTest(Architecture.QWEN3MOE).expertCount(8).expertUsedCount(2)
                .expertFeedForwardLength(64).weightType(TensorType.Q4_0).build();
        ParsedGguf p = write(model);
        Map<String, Object> m = p.metadata();
        assertEquals(8L, m.get("qwen3moe.expert_count"));
        assertEquals(2L, m.get("qwen3moe.expert_used_count"));
        assertEquals(64L, m.get("qwen3moe.expert_feed_forward_length"));
        Map<String, List<Long>> s = shapes(p);
        assertEquals(List.of(128L, 8L), s.get("blk.0.ffn_gate_inp.weight"));
        assertEquals(List.of(128L, 64L, 8L), s.get("blk.0.ffn_gate_exps.weight"));
        assertEquals(List.of(128L, 64L, 8L), s.get("blk.1.ffn_up_exps.weight"));
        assertEquals(List.of(64L, 128L, 8L), s.get("blk.1.ffn_down_exps.weight"));
        assertFalse(s.containsKey("blk.0.ffn_gate.weight"));
        // per layer: router + 3 expert matrices, instead of the dense 3 × 128 × 256
        long perLayerMoe = 128 * 8 + 3L * 128 * 64 * 8;
        long dense = TinyLlama.unitTest(Architecture.QWEN3).build().parameterCount();
        assertEquals(dense - 2 * 3L * 128 * 256 + 2 * perLayerMoe, model.parameterCount());
        assertThrows(IllegalArgumentException.class,
                () -> TinyLlama.unitTest(Architecture.QWEN3MOE).expertCount(2).expertUsedCount(3).build());
        assertThrows(IllegalArgumentException.class, () -> TinyLlama.unitTest(Architecture.QWEN3MOE)
                .expertFeedForwardLength(48).weightType(TensorType.Q8_0).build());
    }

    @Test
    void gemma3SlidingWindowAndTiedOutput() throws IOException {
        TinyLlama model = TinyLlama.unitTest(Architecture.GEMMA3).weightType(TensorType.F32).build();
        ParsedGguf p = write(model);
        Map<String, Object> m = p.metadata();
        assertEquals(128L, m.get("gemma3.attention.sliding_window"), "a quarter of the context");
        assertEquals(2L, m.get("gemma3.attention.sliding_window_pattern"), "2 layers: one sliding, one full");
        assertEquals(GgufValueType.UINT32, p.types().get("gemma3.attention.sliding_window_pattern"));
        assertTrue(model.isSlidingWindowLayer(0));
        assertFalse(model.isSlidingWindowLayer(1));
        assertTrue(model.tiedOutput());
        assertFalse(shapes(p).containsKey("output.weight"));

        // the special tokens' rows are zero in the tied embedding, the others are not
        ByteBuffer embd = p.data("token_embd.weight", 1024 * 128 * 4);
        assertEquals(0f, maxAbsRow(embd, TinyVocabulary.IM_END_ID, 128));
        assertEquals(0f, maxAbsRow(embd, TinyVocabulary.BOS_ID, 128));
        assertTrue(maxAbsRow(embd, TinyVocabulary.FIRST_PIECE_ID, 128) > 0);

        TinyLlama untied = TinyLlama.unitTest(Architecture.GEMMA3).tiedOutput(false).build();
        assertTrue(shapes(write(untied)).containsKey("output.weight"));
        assertEquals(6, TinyLlama.small().architecture(Architecture.GEMMA3).blockCount(12).build().slidingWindowPattern());
    }

    @Test
    void gemma4PatternPerLayerAndRopeFreqs() throws IOException {
        TinyLlama model = TinyLlama.unitTest(Architecture.GEMMA4).blockCount(4).slidingWindowPattern(2)
                .slidingWindow(64).build();
        ParsedGguf p = write(model);
        Map<String, Object> m = p.metadata();
        GgufArray pattern = (GgufArray) m.get("gemma4.attention.sliding_window_pattern");
        assertEquals(GgufValueType.BOOL, pattern.elementType());
        assertEquals(List.of(true, false, true, false), pattern.values());
        assertEquals(64L, m.get("gemma4.attention.sliding_window"));
        assertEquals(32L, m.get("gemma4.attention.key_length_swa"));
        assertEquals(32L, m.get("gemma4.attention.value_length_swa"));
        assertEquals(0L, m.get("gemma4.embedding_length_per_layer_input"));
        assertTrue(m.containsKey("gemma4.final_logit_softcapping"));
        assertEquals(List.of(16L), shapes(p).get("rope_freqs.weight"), "one shared tensor, half a head");

        // no full-attention layer, no rope_freqs
        TinyLlama allSliding = TinyLlama.unitTest(Architecture.GEMMA4).slidingWindowPattern(8).build();
        assertFalse(shapes(write(allSliding)).containsKey("rope_freqs.weight"));
    }

    @Test
    void gemma4WiderHeadsInFullAttentionLayers() throws IOException {
        // as the released Gemma 4: sliding layers' heads of 256, full-attention layers' of 512; here 32 and 64
        TinyLlama model = TinyLlama.unitTest(Architecture.GEMMA4).fullAttentionHeadDim(64).build();
        ParsedGguf p = write(model);
        Map<String, Object> m = p.metadata();
        assertEquals(64L, m.get("gemma4.attention.key_length"));
        assertEquals(64L, m.get("gemma4.rope.dimension_count"));
        assertEquals(32L, m.get("gemma4.attention.key_length_swa"));
        assertEquals(32L, m.get("gemma4.rope.dimension_count_swa"));
        Map<String, List<Long>> s = shapes(p);
        assertEquals(List.of(128L, 128L), s.get("blk.0.attn_q.weight"), "sliding layer");
        assertEquals(List.of(128L, 64L), s.get("blk.0.attn_k.weight"));
        assertEquals(List.of(32L), s.get("blk.0.attn_k_norm.weight"));
        assertEquals(List.of(128L, 256L), s.get("blk.1.attn_q.weight"), "full-attention layer");
        assertEquals(List.of(128L, 128L), s.get("blk.1.attn_v.weight"));
        assertEquals(List.of(256L, 128L), s.get("blk.1.attn_output.weight"));
        assertEquals(List.of(64L), s.get("blk.1.attn_q_norm.weight"));
        assertEquals(List.of(32L), s.get("rope_freqs.weight"));
        assertEquals(64, model.headDim(1));
        assertThrows(IllegalArgumentException.class,
                () -> TinyLlama.unitTest(Architecture.GEMMA3).fullAttentionHeadDim(64).build());
    }

    @Test
    void graniteScales() throws IOException {
        Map<String, Object> m = write(TinyLlama.unitTest(Architecture.GRANITE).build()).metadata();
        for (String key : List.of("logit_scale", "residual_scale", "embedding_scale", "attention.scale")) {
            assertTrue(((Double) m.get("granite." + key)) > 0, key);
        }
    }

    @Test
    void tiedEagerEosEnlargesTheEmbeddingRow() throws IOException {
        ParsedGguf p = write(TinyLlama.unitTest(Architecture.SMOLLM3).name("eager").eagerEos(true)
                .weightType(TensorType.F32).build());
        ByteBuffer embd = p.data("token_embd.weight", 1024 * 128 * 4);
        assertTrue(maxAbsRow(embd, TinyVocabulary.IM_END_ID, 128) > 50 * maxAbsRow(embd, TinyVocabulary.FIRST_PIECE_ID, 128));
    }

    @Test
    void specialTokensAreThoseBeforeTheFirstPiece() {
        // TinyLlama zeroes the rows below FIRST_PIECE_ID without building the vocabulary: check the two agree
        TinyVocabulary vocab = TinyVocabulary.of(2048);
        for (int id = 0; id < vocab.size(); id++) {
            assertEquals(id >= TinyVocabulary.FIRST_PIECE_ID, vocab.types().get(id) == TinyVocabulary.NORMAL, "token " + id);
        }
    }

    @Test
    void architectureNames() {
        assertEquals(Architecture.QWEN3MOE, Architecture.of("qwen3moe"));
        assertEquals(Architecture.GEMMA3, Architecture.of("GEMMA3"));
        assertEquals("smollm3", Architecture.SMOLLM3.ggufName());
        assertThrows(IllegalArgumentException.class, () -> Architecture.of("mamba"));
    }

    @Test
    void writeTinyModelFromTheCommandLine() throws Exception {
        assertEquals(600_000_000L, WriteTinyModel.parameters("600M"));
        assertEquals(1_500_000_000L, WriteTinyModel.parameters("1.5G"));
        assertEquals(123L, WriteTinyModel.parameters("123"));
        assertThrows(IllegalArgumentException.class, () -> WriteTinyModel.parameters("lots"));
        Path out = dir.resolve("cli/qwen3moe.gguf");
        WriteTinyModel.main(new String[]{"qwen3moe", "unit", "q4_0", out.toString(), "7"});
        ParsedGguf p = ParsedGguf.parse(out);
        assertEquals("qwen3moe", p.metadata().get("general.architecture"));
        assertEquals((long) TensorType.Q4_0.fileType(), p.metadata().get("general.file_type"));
        TinyLlama bench = WriteTinyModel.size("600M").architecture(Architecture.LLAMA).build();
        double ratio = bench.parameterCount() / 600e6;
        assertTrue(ratio > 0.95 && ratio < 1.05, bench.toString());
    }

    private static float maxAbsRow(ByteBuffer f32, int row, int width) {
        float max = 0;
        for (int i = 0; i < width; i++) {
            max = Math.max(max, Math.abs(f32.getFloat((row * width + i) * 4)));
        }
        return max;
    }
}

package org.terroir.hardware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.gguf.GgmlType;

class MemoryEstimatorTest {
    private static final long MIB = 1024L * 1024;
    private static final Calibration NO_REPACK = new Calibration(100 * MIB, 0, 300 * MIB, false, true);
    private final MemoryEstimator estimator = new MemoryEstimator(NO_REPACK);

    /** 2 layers, 4 heads of 16, 2 K/V heads (GQA): each layer caches 2 × (16 + 16) elements per token. */
    private static TestShapes gqa() {
        return TestShapes.llama(2, 64, 4, 2, 128, 1000, 2048, GgmlType.F16);
    }

    @Test
    void kvCacheHonoursGqaAndType() {
        EstimateOptions o = EstimateOptions.defaults().withContextLength(256);
        // f16: 256 cells × 2 layers × (32 K + 32 V) × 2 bytes
        assertEquals(256L * 2 * 64 * 2, estimator.estimate(gqa().shape(), o).kvCache().total());
        // q8_0: a 32-element row is one 34-byte block, for K and for V
        assertEquals(256L * 2 * (34 + 34), estimator.estimate(gqa().shape(), o.withKvCacheType("q8_0"))
                .kvCache().total());
        // q4_0: one 18-byte block per row
        assertEquals(256L * 2 * (18 + 18), estimator.estimate(gqa().shape(), o.withKvCacheType("Q4_0"))
                .kvCache().total());
        // Without GQA (4 K/V heads) the cache doubles.
        TestShapes mha = TestShapes.llama(2, 64, 4, 4, 128, 1000, 2048, GgmlType.F16);
        assertEquals(256L * 2 * 128 * 2, estimator.estimate(mha.shape(), o).kvCache().total());
    }

    @Test
    void contextIsPaddedLikeLlamaCpp() {
        // 1000 → 1024 cells (pad 32); with flash attention pad 256 → 1024 too; 1030 → 1056 / 1280.
        EstimateOptions o = EstimateOptions.defaults().withContextLength(1030);
        assertEquals(1056L * 2 * 64 * 2, estimator.estimate(gqa().shape(), o).kvCache().total());
        assertEquals(1280L * 2 * 64 * 2,
                estimator.estimate(gqa().shape(), o.withFlashAttention(true)).kvCache().total());
    }

    @Test
    void defaultContextIsTrainedLengthCappedAt4096() {
        assertEquals(2048, estimator.estimate(gqa().shape(), EstimateOptions.defaults()).contextLength());
        TestShapes big = TestShapes.llama(2, 64, 4, 2, 128, 1000, 32768, GgmlType.F16);
        assertEquals(4096, estimator.estimate(big.shape(), EstimateOptions.defaults()).contextLength());
    }

    @Test
    void slidingWindowLayersCacheOnlyTheWindow() {
        // gemma2: even layers use the window. 4 layers, window 128, ubatch 512: SWA layers keep
        // pad(128 + 512, 256) = 768 cells, the global ones all 4096.
        TestShapes g = TestShapes.llama("gemma2", 4, 64, 4, 2, 128, 1000, 8192, GgmlType.F16, GgmlType.F16);
        g.put("attention.sliding_window", 128L);
        EstimateOptions o = EstimateOptions.defaults().withContextLength(4096);
        long perCell = 64 * 2; // (32 K + 32 V) × f16
        assertEquals((768L * 2 + 4096L * 2) * perCell, estimator.estimate(g.shape(), o).kvCache().total());
        // An explicit pattern of 4: layers 0, 1, 2 windowed, layer 3 global.
        g.put("attention.sliding_window_pattern", 4L);
        assertEquals((768L * 3 + 4096L) * perCell, estimator.estimate(g.shape(), o).kvCache().total());
        // A per-layer boolean array.
        g.put("attention.sliding_window_pattern", java.util.List.of(true, false, false, false));
        assertEquals((768L + 4096L * 3) * perCell, estimator.estimate(g.shape(), o).kvCache().total());
        // A context smaller than the window: every layer caches the context.
        assertEquals(512L * 4 * perCell,
                estimator.estimate(g.shape(), o.withContextLength(512)).kvCache().total());
    }

    @Test
    void weightsAreTheTensorBytesOfEveryQuantType() {
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
                GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.IQ4_XS, GgmlType.IQ2_XXS, GgmlType.MXFP4}) {
            TestShapes s = TestShapes.llama(2, 256, 4, 2, 512, 1024, 2048, t);
            MemoryEstimate e = estimator.estimate(s.shape(), EstimateOptions.defaults().withMmap(false));
            long expected = s.bytes(n -> true);
            assertEquals(expected, e.weights().total(), t.name());
            // q_proj of 256×256 in this type: blocks × bytes per block, as ggml.h defines them
            assertEquals(256L * 256 / t.blockSize() * t.typeSize(),
                    s.tensors.stream().filter(x -> x.name().equals("blk.0.attn_q.weight")).findFirst()
                            .orElseThrow().sizeBytes(), t.name());
        }
        // Q4_K: 256 elements in 144 bytes = 4.5 bits; Q6_K 6.5625; MXFP4 4.25
        assertEquals(4.5, GgmlType.Q4_K.bitsPerWeight(), 1e-9);
        assertEquals(6.5625, GgmlType.Q6_K.bitsPerWeight(), 1e-9);
        assertEquals(4.25, GgmlType.MXFP4.bitsPerWeight(), 1e-9);
    }

    @Test
    void weightsAreResidentWithOrWithoutMmap() {
        // llama.cpp maps with MAP_POPULATE: the bench measures the same RSS either way (but for Q4_0 repacking).
        TestShapes s = gqa();
        long all = s.bytes(n -> true);
        assertEquals(all, estimator.estimate(s.shape(), EstimateOptions.defaults().withMmap(false)).weights().ram());
        assertEquals(all, estimator.estimate(s.shape(), EstimateOptions.defaults()).weights().ram());
    }

    @Test
    void partialOffloadSplitsLayersKvAndOutputLikeLlamaCpp() {
        TestShapes s = TestShapes.llama(4, 64, 4, 2, 128, 1000, 2048, GgmlType.Q8_0);
        EstimateOptions o = EstimateOptions.defaults().withContextLength(256).withMmap(false);
        long layer = s.bytes(n -> n.startsWith("blk.3."));
        long embd = s.bytes(n -> n.equals("token_embd.weight"));
        long output = s.bytes(n -> n.startsWith("output"));
        long kvLayer = 256L * 64 * 2;

        // 2 GPU layers: the last two blocks and their cache; embeddings and output stay on the CPU.
        MemoryEstimate two = estimator.estimate(s.shape(), o.withGpuLayers(2));
        assertEquals(2 * layer, two.weights().vram());
        assertEquals(2 * layer + embd + output, two.weights().ram());
        assertEquals(2 * kvLayer, two.kvCache().vram());
        assertEquals(2 * kvLayer, two.kvCache().ram());
        assertEquals(300 * MIB, two.overhead().vram());

        // 4 = every block but not the output layer; 5 (and -1) = the output layer too.
        assertEquals(4 * layer, estimator.estimate(s.shape(), o.withGpuLayers(4)).weights().vram());
        MemoryEstimate all = estimator.estimate(s.shape(), o.withGpuLayers(-1));
        assertEquals(5, all.gpuLayers());
        assertEquals(4 * layer + output, all.weights().vram());
        assertEquals(embd, all.weights().ram());
        assertEquals(0, all.kvCache().ram());
        assertEquals(all.weights().total(), estimator.estimate(s.shape(), o).weights().total());

        MemoryEstimate cpu = estimator.estimate(s.shape(), o);
        assertEquals(0, cpu.vram());
        assertEquals(0, cpu.gpuLayers());
    }

    @Test
    void tiedEmbeddingsNeedACopyOnTheGpuForTheOutputLayer() {
        TestShapes s = TestShapes.llama(2, 64, 4, 2, 128, 1000, 2048, GgmlType.F16);
        s.tensors.removeIf(t -> t.name().equals("output.weight"));
        long embd = s.bytes(n -> n.equals("token_embd.weight"));
        long blocks = s.bytes(n -> n.startsWith("blk."));
        long norm = s.bytes(n -> n.equals("output_norm.weight"));
        MemoryEstimate all = estimator.estimate(s.shape(),
                EstimateOptions.defaults().withGpuLayers(-1).withMmap(false));
        assertEquals(blocks + norm + embd, all.weights().vram());
        assertEquals(embd, all.weights().ram());
    }

    @Test
    void q4_0IsRepackedOnTheCpuKeepingTheMappedOriginal() {
        MemoryEstimator repacking = new MemoryEstimator(new Calibration(0, 0, 0, true, true));
        TestShapes s = TestShapes.llama(2, 64, 4, 2, 128, 1000, 2048, GgmlType.Q4_0);
        // Only the repeating layers' matrices: not the embeddings (read by row), not the output matrix.
        long matrices = s.bytes(n -> n.startsWith("blk.") && n.endsWith("weight") && !n.contains("norm"));
        long all = s.bytes(n -> true);
        MemoryEstimate mapped = repacking.estimate(s.shape(), EstimateOptions.defaults());
        assertEquals(all + matrices, mapped.weights().ram());
        MemoryEstimate read = repacking.estimate(s.shape(), EstimateOptions.defaults().withMmap(false));
        assertEquals(all, read.weights().ram());
        // Layers on the GPU are not repacked; only the embeddings stay in RAM.
        MemoryEstimate gpu = repacking.estimate(s.shape(), EstimateOptions.defaults().withGpuLayers(-1));
        assertEquals(s.bytes(n -> n.equals("token_embd.weight")), gpu.weights().ram());
    }

    @Test
    void computeBufferGrowsWithContextWithoutFlashAttention() {
        TestShapes s = gqa();
        EstimateOptions o = EstimateOptions.defaults().withBatchSize(512);
        long c1 = estimator.estimate(s.shape(), o.withContextLength(1024)).compute().total();
        long c2 = estimator.estimate(s.shape(), o.withContextLength(2048)).compute().total();
        // K·Q scores: 4 heads × 1024 more cells × 512 tokens × (4 bytes f32 + 2 bytes of the CPU's f16 copy),
        // plus the mask: 1024 × 512 × 4
        assertEquals(4L * 1024 * 512 * 6 + 1024L * 512 * 4, c2 - c1);
        // On a GPU the scores are allocated once, in f32.
        long g1 = estimator.estimate(s.shape(), o.withContextLength(1024).withGpuLayers(-1)).compute().vram();
        long g2 = estimator.estimate(s.shape(), o.withContextLength(2048).withGpuLayers(-1)).compute().vram();
        assertEquals(4L * 1024 * 512 * 4 + 1024L * 512 * 4, g2 - g1);
        long f1 = estimator.estimate(s.shape(), o.withContextLength(1024).withFlashAttention(true)).compute().total();
        long f2 = estimator.estimate(s.shape(), o.withContextLength(2048).withFlashAttention(true)).compute().total();
        assertEquals(1024L * 512 * 2, f2 - f1); // only the f16 mask grows
    }

    /**
     * gguf-parser-go's README: Qwen2.5-7B-Instruct Q4_K_M at 131072 context without flash attention needs about
     * 18.9 GiB: weights, the f16 K/V cache and the compute buffer as ggml's allocator reserves it (K·Q scores
     * once, in f32), which is what a full GPU offload allocates. On the CPU the estimate is higher on purpose:
     * the CPU backend also keeps an f16 copy of the scores in its work buffer (measured by the bench). Its shape: 28 layers, n_embd 3584, 28 heads, 4 K/V heads of 128, vocabulary
     * 152064, feed-forward 18944; Q4_K_M mixes Q4_K with Q6_K (attn_v, ffn_down of half the layers, output).
     */
    @Test
    void qwen25SevenBAt128kMatchesThePublishedFigure() {
        TestShapes s = new TestShapes();
        s.arch = "qwen2";
        s.metadata.put("general.architecture", "qwen2");
        s.put("block_count", 28L).put("embedding_length", 3584L).put("attention.head_count", 28L)
                .put("attention.head_count_kv", 4L).put("feed_forward_length", 18944L)
                .put("context_length", 32768L);
        long d = 3584;
        long kv = 512;
        long ff = 18944;
        long vocab = 152064;
        s.tensor("token_embd.weight", GgmlType.Q4_K, d, vocab);
        for (int i = 0; i < 28; i++) {
            String p = "blk." + i + ".";
            boolean q6 = i < 4 || i >= 24 || i % 3 == 2; // llama.cpp's "use_more_bits" layers
            s.tensor(p + "attn_norm.weight", GgmlType.F32, d);
            s.tensor(p + "attn_q.weight", GgmlType.Q4_K, d, d).tensor(p + "attn_q.bias", GgmlType.F32, d);
            s.tensor(p + "attn_k.weight", GgmlType.Q4_K, d, kv).tensor(p + "attn_k.bias", GgmlType.F32, kv);
            s.tensor(p + "attn_v.weight", q6 ? GgmlType.Q6_K : GgmlType.Q4_K, d, kv)
                    .tensor(p + "attn_v.bias", GgmlType.F32, kv);
            s.tensor(p + "attn_output.weight", GgmlType.Q4_K, d, d);
            s.tensor(p + "ffn_norm.weight", GgmlType.F32, d);
            s.tensor(p + "ffn_gate.weight", GgmlType.Q4_K, d, ff);
            s.tensor(p + "ffn_up.weight", GgmlType.Q4_K, d, ff);
            s.tensor(p + "ffn_down.weight", q6 ? GgmlType.Q6_K : GgmlType.Q4_K, ff, d);
        }
        s.tensor("output_norm.weight", GgmlType.F32, d);
        s.tensor("output.weight", GgmlType.Q6_K, d, vocab);
        long weights = s.bytes(n -> true);
        assertEquals(4.68e9, weights, 0.1e9, "the published file is about 4.68 GB");

        MemoryEstimate e = new MemoryEstimator(Calibration.forThisMachine()).estimate(s.shape(),
                EstimateOptions.defaults().withContextLength(131072).withGpuLayers(-1));
        // K/V: 28 layers × 131072 × 4 heads × (128 + 128) × 2 bytes = 7 GiB exactly
        assertEquals(7L << 30, e.kvCache().total());
        double gib = e.total() / (double) (1L << 30);
        assertEquals(18.9, gib, 18.9 * 0.10, "estimate " + gib + " GiB");
        assertFalse(e.approximate(), e.warnings().toString());
        MemoryEstimate cpu = new MemoryEstimator(Calibration.forThisMachine()).estimate(s.shape(),
                EstimateOptions.defaults().withContextLength(131072));
        assertTrue(cpu.total() > e.total() - (400L << 20), cpu + " vs " + e);
    }

    @Test
    void unknownKvTypeIsAClearError() {
        var ex = org.junit.jupiter.api.Assertions.assertThrows(org.terroir.api.TerroirException.class,
                () -> estimator.estimate(gqa().shape(), EstimateOptions.defaults().withKvCacheType("q3_k")));
        assertEquals("hardware.kvType", ex.code());
        assertTrue(ex.getMessage().contains("q3_k") && ex.getMessage().contains("q8_0"), ex.getMessage());
    }
}

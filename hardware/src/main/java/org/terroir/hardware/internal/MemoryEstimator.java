package org.terroir.hardware.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.terroir.api.TerroirException;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.api.hardware.MemorySplit;
import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.ModelShape.TensorShape;

/**
 * Memory a GGUF model takes in llama.cpp, from its metadata and tensor table alone. It follows what llama.cpp
 * allocates: the weights (input embeddings stay on the CPU, the output layer goes to the GPU only when every
 * repeating layer does), the K/V cache per layer (GQA through the K/V head count, sliding-window layers caching
 * only the window), the compute buffer of one ubatch (whose K·Q score matrix grows with the context unless flash
 * attention is on), and fixed overheads.
 */
public final class MemoryEstimator {

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\..*");
    /** Bytes per element of the K/V cache types llama.cpp accepts (block types: bytes per block / block size). */
    private static final Map<String, double[]> KV_TYPES = Map.of(
            "f32", new double[] {4, 1}, "f16", new double[] {2, 1}, "bf16", new double[] {2, 1},
            "q8_0", new double[] {34, 32}, "q4_0", new double[] {18, 32}, "q4_1", new double[] {20, 32},
            "q5_0", new double[] {22, 32}, "q5_1", new double[] {24, 32}, "iq4_nl", new double[] {18, 32});

    private final Calibration calibration;

    public MemoryEstimator(Calibration calibration) {
        this.calibration = calibration;
    }

    public static boolean isKvType(String type) {
        return type != null && KV_TYPES.containsKey(type.toLowerCase(Locale.ROOT));
    }

    /** Facts of the model, for callers that estimate many times (the fit search). */
    public static ModelFactsView facts(ModelShape model) {
        return new ModelFactsView(model, FactsReader.read(model));
    }

    public MemoryEstimate estimate(ModelShape model, EstimateOptions options) {
        return estimate(facts(model), options);
    }

    public MemoryEstimate estimate(ModelFactsView view, EstimateOptions options) {
        ModelFacts f = view.facts();
        List<String> warnings = new ArrayList<>(f.warnings());
        String kvType = options.kvCacheType() == null ? "f16" : options.kvCacheType().toLowerCase(Locale.ROOT);
        if (!KV_TYPES.containsKey(kvType)) {
            throw new TerroirException(org.terroir.api.ErrorKind.BAD_REQUEST, "hardware.kvType", Messages.get("estimate.kvType", options.kvCacheType(),
                    String.join(", ", new java.util.TreeSet<>(KV_TYPES.keySet()))));
        }
        boolean flash = Boolean.TRUE.equals(options.flashAttention());
        boolean mmap = options.mmap() == null || options.mmap();
        long ctx = contextLength(f, options);
        int ubatchOpt = options.batchSize() == null || options.batchSize() <= 0 ? EstimateDefaults.UBATCH
                : options.batchSize();
        int gpuLayers = gpuLayers(f, options);
        int repeatingOnGpu = Math.min(gpuLayers, f.layers());
        boolean outputOnGpu = gpuLayers > f.layers();
        int firstGpuLayer = f.layers() - repeatingOnGpu;

        // llama.cpp pads the cache to 256 cells with flash attention, 32 without.
        long paddedCtx = pad(ctx, flash ? 256 : 32);
        long ubatch = Math.min(ubatchOpt, paddedCtx);

        MemorySplit weights = weights(view.model(), f, firstGpuLayer, outputOnGpu, mmap);
        MemorySplit kv = kvCache(f, kvType, paddedCtx, ubatch, firstGpuLayer);
        MemorySplit compute = compute(f, paddedCtx, ubatch, flash, repeatingOnGpu, outputOnGpu);
        MemorySplit overhead = new MemorySplit(calibration.processBaseline() + calibration.perVocabToken() * f.vocab(),
                gpuLayers > 0 ? calibration.gpuContext() : 0);
        return new MemoryEstimate(weights, kv, compute, overhead, (int) ctx, gpuLayers, f.layers(), kvType,
                parameters(view.model()), f.approximate(), warnings);
    }

    static long contextLength(ModelFacts f, EstimateOptions options) {
        if (options.contextLength() != null && options.contextLength() > 0) {
            return options.contextLength();
        }
        return Math.min(f.trainedContext(), EstimateOptions.DEFAULT_MAX_CONTEXT);
    }

    /** 0 to layers + 1 (the +1 is the output layer); -1 or more than that means all. */
    static int gpuLayers(ModelFacts f, EstimateOptions options) {
        Integer g = options.gpuLayers();
        if (g == null || g == 0) {
            return 0;
        }
        return g < 0 || g > f.layers() ? f.layers() + 1 : g;
    }

    private MemorySplit weights(ModelShape model, ModelFacts f, int firstGpuLayer, boolean outputOnGpu,
            boolean mmap) {
        long ram = 0;
        long vram = 0;
        boolean hasOutput = false;
        long embdBytes = 0;
        for (TensorShape t : model.tensors()) {
            String name = t.name();
            long size = Math.max(0, t.sizeBytes());
            boolean onGpu;
            boolean matmul;
            Matcher m = BLOCK.matcher(name);
            if (m.matches() && m.group(1).length() < 6) {
                onGpu = Integer.parseInt(m.group(1)) >= firstGpuLayer;
                matmul = t.dims().length >= 2;
            } else if (name.startsWith("output")) {
                // Measured: the output matrix is not repacked (only the repeating layers' matrices are).
                onGpu = outputOnGpu;
                matmul = false;
                hasOutput |= name.equals("output.weight");
            } else {
                // token_embd (read with get_rows, a CPU op) and small extras stay on the CPU.
                onGpu = false;
                matmul = false;
                if (name.equals("token_embd.weight")) {
                    embdBytes = size;
                }
            }
            if (onGpu) {
                vram += size;
                continue;
            }
            // Resident with or without mmap: llama.cpp maps with MAP_POPULATE, so the whole file is read in.
            ram += size;
            if (calibration.repackQ4_0() && matmul && m.matches() && repackable(t)) {
                // ggml's CPU backend repacks Q4_0 matrices into an interleaved copy in its own buffer. Without
                // mmap the original is read into a temporary buffer, so only the copy stays; with mmap the
                // mapped original pages stay resident beside it (379 MB file: 745 MB RSS; the bench measures
                // exactly the layers' Q4_0 matrices as the extra).
                if (mmap) {
                    ram += size;
                }
            }
        }
        if (!hasOutput && outputOnGpu) {
            // Tied embeddings: the output layer reuses token_embd, which then also needs a copy on the GPU.
            vram += embdBytes;
        }
        return new MemorySplit(ram, vram);
    }

    private static boolean repackable(TensorShape t) {
        return "Q4_0".equals(t.type()) && t.dims().length == 2 && t.dims()[1] % 8 == 0 && t.dims()[0] % 32 == 0;
    }

    private MemorySplit kvCache(ModelFacts f, String kvType, long ctx, long ubatch, int firstGpuLayer) {
        double[] bpe = KV_TYPES.get(kvType);
        long ram = 0;
        long vram = 0;
        for (int il = 0; il < f.layers(); il++) {
            long cells = ctx;
            if (calibration.swaAwareCache() && f.swaLayers()[il] && f.slidingWindow() > 0) {
                // llama.cpp keeps window + one ubatch of cells for SWA layers, padded like the full cache.
                cells = Math.min(ctx, pad(f.slidingWindow() + ubatch, 256));
            }
            long k = rowBytes(f.kWidths()[il], bpe);
            long v = rowBytes(f.kvWidths()[il] - f.kWidths()[il], bpe);
            long bytes = cells * (k + v);
            if (il >= firstGpuLayer) {
                vram += bytes;
            } else {
                ram += bytes;
            }
        }
        return new MemorySplit(ram, vram);
    }

    private static long rowBytes(long elements, double[] bpe) {
        long blocks = (elements + (long) bpe[1] - 1) / (long) bpe[1];
        return blocks * (long) bpe[0];
    }

    /**
     * The compute buffers of one ubatch. The graph allocator reuses memory between layers, so the peak is the
     * largest of the attention step (K·Q scores: heads × cache cells × ubatch floats, unless flash attention),
     * the feed-forward step and the output step, plus the inputs that live through the whole graph (the K·Q mask,
     * the input embeddings).
     *
     * <p>RAM and GPU memory differ. A GPU buffer is allocated for the worst case (logits of every token of the
     * ubatch). On the CPU only touched pages are resident: the logits of the one token sampled, but also the CPU
     * backend's work buffer, where it converts the K·Q scores to f16 for the product with V (half the scores
     * again; the bench measures 1.5 × the scores as the slope of RSS over the context).
     */
    private MemorySplit compute(ModelFacts f, long ctx, long ubatch, boolean flash, int repeatingOnGpu,
            boolean outputOnGpu) {
        long n = f.embedding();
        long scores = f.heads() * ctx * ubatch;
        long attention = flash ? 4 * ubatch * (4 * n) : 4 * scores + 4 * ubatch * 3 * n;
        long cpuAttention = attention + (flash ? 0 : 2 * scores);
        long ffn = 4 * ubatch * (2 * Math.max(f.feedForward(), n) + 2 * n);
        long outputAllocated = 4 * ubatch * (f.vocab() + 2 * n);
        long outputTouched = 4 * (f.vocab() + ubatch * n);
        long mask = (flash ? 2 : 4) * ctx * pad(ubatch, 64);
        long inputs = 4 * ubatch * n + mask;
        long cpuFull = Math.max(Math.max(cpuAttention, ffn), outputTouched) + inputs;
        if (repeatingOnGpu == 0) {
            return new MemorySplit(cpuFull, 0);
        }
        long layerPeak = Math.max(attention, ffn);
        long gpu = (outputOnGpu ? Math.max(layerPeak, outputAllocated) : layerPeak) + inputs;
        long cpu = repeatingOnGpu < f.layers() ? cpuFull : (outputOnGpu ? inputs : outputTouched + inputs);
        return new MemorySplit(cpu, gpu);
    }

    private static long parameters(ModelShape model) {
        long p = 0;
        for (TensorShape t : model.tensors()) {
            p += Math.max(0, t.elements());
        }
        return p;
    }

    static long pad(long x, long n) {
        return (x + n - 1) / n * n;
    }

    /** A model's shape with its facts read once. */
    public record ModelFactsView(ModelShape model, ModelFacts facts) {
        public int layers() {
            return facts.layers();
        }

        public long trainedContext() {
            return facts.trainedContext();
        }
    }
}

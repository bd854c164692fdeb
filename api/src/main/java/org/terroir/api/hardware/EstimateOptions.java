package org.terroir.api.hardware;

import org.terroir.api.inference.LoadOptions;

/**
 * The load settings an estimate is made for. A {@code null} field means the default given on each accessor.
 *
 * @param contextLength  context window in tokens (default: the model's trained length, at most 4096, which is
 *                       what the llama.cpp backend loads by default)
 * @param gpuLayers      layers to offload (-1: all; default: the fit verdict decides, an estimate assumes 0)
 * @param kvCacheType    K/V cache element type: f32, f16 (default), bf16, q8_0, q4_0, q4_1, q5_0, q5_1, iq4_nl
 * @param batchSize      physical batch (ubatch) for prompt processing (default 512)
 * @param mmap           map the file instead of reading it (default true)
 * @param flashAttention flash attention (default false): no K·Q matrix in the compute buffer
 */
public record EstimateOptions(Integer contextLength, Integer gpuLayers, String kvCacheType, Integer batchSize,
        Boolean mmap, Boolean flashAttention) {

    public static final int DEFAULT_MAX_CONTEXT = 4096;
    public static final int DEFAULT_BATCH = 512;

    public static EstimateOptions defaults() {
        return new EstimateOptions(null, null, null, null, null, null);
    }

    /** The estimate options matching the load options a backend will get. */
    public static EstimateOptions from(LoadOptions load) {
        Integer ctx = load.contextLength() != null && load.contextLength() > 0 ? load.contextLength() : null;
        Integer batch = load.batchSize() != null && load.batchSize() > 0 ? load.batchSize() : null;
        return new EstimateOptions(ctx, load.gpuLayers(), null, batch, load.mmap(), null);
    }

    public EstimateOptions withContextLength(Integer value) {
        return new EstimateOptions(value, gpuLayers, kvCacheType, batchSize, mmap, flashAttention);
    }

    public EstimateOptions withGpuLayers(Integer value) {
        return new EstimateOptions(contextLength, value, kvCacheType, batchSize, mmap, flashAttention);
    }

    public EstimateOptions withKvCacheType(String value) {
        return new EstimateOptions(contextLength, gpuLayers, value, batchSize, mmap, flashAttention);
    }

    public EstimateOptions withBatchSize(Integer value) {
        return new EstimateOptions(contextLength, gpuLayers, kvCacheType, value, mmap, flashAttention);
    }

    public EstimateOptions withMmap(Boolean value) {
        return new EstimateOptions(contextLength, gpuLayers, kvCacheType, batchSize, value, flashAttention);
    }

    public EstimateOptions withFlashAttention(Boolean value) {
        return new EstimateOptions(contextLength, gpuLayers, kvCacheType, batchSize, mmap, value);
    }
}

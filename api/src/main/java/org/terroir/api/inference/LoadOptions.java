package org.terroir.api.inference;

/**
 * How to load a model. A {@code null} or zero field means "the backend's configured default".
 *
 * @param contextLength context window in tokens
 * @param threads       CPU threads for generation
 * @param batchSize     logical batch size for prompt processing
 * @param gpuLayers     layers offloaded to the GPU (0: none; -1: all)
 * @param mmap          map the file instead of reading it into memory
 * @param embeddings    load so that embeddings can be computed
 */
public record LoadOptions(Integer contextLength, Integer threads, Integer batchSize, Integer gpuLayers, Boolean mmap,
        boolean embeddings) {

    public static LoadOptions defaults() {
        return new LoadOptions(null, null, null, null, null, false);
    }

    public LoadOptions withContextLength(Integer value) {
        return new LoadOptions(value, threads, batchSize, gpuLayers, mmap, embeddings);
    }

    public LoadOptions withThreads(Integer value) {
        return new LoadOptions(contextLength, value, batchSize, gpuLayers, mmap, embeddings);
    }

    public LoadOptions withBatchSize(Integer value) {
        return new LoadOptions(contextLength, threads, value, gpuLayers, mmap, embeddings);
    }

    public LoadOptions withGpuLayers(Integer value) {
        return new LoadOptions(contextLength, threads, batchSize, value, mmap, embeddings);
    }

    public LoadOptions withMmap(Boolean value) {
        return new LoadOptions(contextLength, threads, batchSize, gpuLayers, value, embeddings);
    }

    public LoadOptions withEmbeddings(boolean value) {
        return new LoadOptions(contextLength, threads, batchSize, gpuLayers, mmap, value);
    }
}

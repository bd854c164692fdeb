package org.terroir.backend.llamacpp.internal;

import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.ModelLoadException;

/**
 * Load settings after defaults were applied and every value was checked, so that nothing llama.cpp would choke
 * on (some bad values kill the process) ever reaches a worker.
 */
record LoadSettings(int contextLength, int threads, int batchSize, int gpuLayers, boolean mmap, boolean embeddings) {
    static final int MIN_CONTEXT = 16;
    static final int MAX_CONTEXT = 1 << 20;
    /** How far past its trained context a model may be stretched (llama.cpp allows it; quality drops). */
    static final int CONTEXT_STRETCH = 4;

    /**
     * @param modelContext the model's trained context length, or 0 when its metadata does not say
     * @param cores        processors available to this JVM
     */
    static LoadSettings resolve(LlamaCppConfig config, LoadOptions options, int modelContext, int cores) {
        int maxContext = modelContext > 0 ? (int) Math.min(MAX_CONTEXT, (long) modelContext * CONTEXT_STRETCH)
                : MAX_CONTEXT;
        int context = given(options.contextLength())
                ? options.contextLength()
                : modelContext > 0 ? Math.min(config.defaultContextLength(), modelContext) : config.defaultContextLength();
        if (context < MIN_CONTEXT || context > maxContext) {
            throw invalid("llamacpp.option.context", "option.context", context, MIN_CONTEXT, maxContext);
        }
        int maxThreads = Math.max(1, cores * 2);
        int threads = given(options.threads()) ? options.threads()
                : config.threads() > 0 ? config.threads() : defaultThreads(cores);
        if (threads < 1 || threads > maxThreads) {
            throw invalid("llamacpp.option.threads", "option.threads", threads, 1, maxThreads);
        }
        int batch;
        if (given(options.batchSize())) {
            batch = options.batchSize();
            if (batch < 1 || batch > context) {
                throw invalid("llamacpp.option.batch", "option.batch", batch, 1, context);
            }
        } else {
            // The configured default is a preference: a small context simply gets a smaller batch.
            batch = Math.min(config.batchSize(), context);
            if (batch < 1) {
                throw invalid("llamacpp.option.batch", "option.batch", batch, 1, context);
            }
        }
        int gpuLayers = given(options.gpuLayers()) ? options.gpuLayers() : config.gpuLayers();
        if (gpuLayers < -1) {
            throw new ModelLoadException("llamacpp.option.gpuLayers", Messages.get("option.gpuLayers", gpuLayers));
        }
        boolean mmap = options.mmap() != null ? options.mmap() : config.mmap();
        return new LoadSettings(context, threads, batch, gpuLayers, mmap, options.embeddings());
    }

    /** One thread per physical core; Java only sees logical ones, so assume two per core on larger machines. */
    static int defaultThreads(int cores) {
        return cores <= 4 ? Math.max(1, cores) : cores / 2;
    }

    private static boolean given(Integer value) {
        return value != null && value != 0;
    }

    private static ModelLoadException invalid(String code, String key, int value, int min, int max) {
        return new ModelLoadException(code, Messages.get(key, String.valueOf(value), String.valueOf(min),
                String.valueOf(max)));
    }
}

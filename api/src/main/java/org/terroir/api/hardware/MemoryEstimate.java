package org.terroir.api.hardware;

import java.util.List;

/**
 * What loading a model would take, part by part, in RAM and in GPU memory.
 *
 * @param weights        tensor data; on x86 includes the copies llama.cpp makes when it repacks Q4_0 weights
 * @param kvCache        the K/V cache for {@code contextLength} tokens
 * @param compute        the compute buffers of one batch
 * @param overhead       fixed costs: the worker process, the runtime's own buffers
 * @param contextLength  the context length estimated for
 * @param gpuLayers      layers placed on the GPU (0 to {@code layerCount + 1}, the +1 being the output layer)
 * @param layerCount     repeating layers of the model
 * @param kvCacheType    the K/V element type estimated for
 * @param parameters     parameter count (sum of tensor elements)
 * @param approximate    true when the architecture is unknown or the metadata were incomplete or wrong
 * @param warnings       what made it approximate, in the user's language
 */
public record MemoryEstimate(MemorySplit weights, MemorySplit kvCache, MemorySplit compute, MemorySplit overhead,
        int contextLength, int gpuLayers, int layerCount, String kvCacheType, long parameters, boolean approximate,
        List<String> warnings) {

    public MemoryEstimate {
        warnings = List.copyOf(warnings);
    }

    public long ram() {
        return weights.ram() + kvCache.ram() + compute.ram() + overhead.ram();
    }

    public long vram() {
        return weights.vram() + kvCache.vram() + compute.vram() + overhead.vram();
    }

    public long total() {
        return ram() + vram();
    }
}

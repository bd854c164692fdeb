package org.terroir.hardware.internal;

import java.util.List;

/**
 * The numbers the estimator needs, read from a model's metadata and checked against its tensor table.
 *
 * @param architecture   general.architecture
 * @param knownArchitecture true when the K/V formula of this architecture is known to match llama.cpp
 * @param layers         repeating layers (block_count)
 * @param embedding      n_embd
 * @param heads          attention heads (n_head)
 * @param feedForward    n_ff (0 when unknown)
 * @param vocab          vocabulary size
 * @param trainedContext context length the model was trained for
 * @param kvWidths       per layer: K elements + V elements cached per token (n_head_kv × (key + value length))
 * @param kWidths        per layer: K elements per token (the V width is kvWidths − kWidths)
 * @param swaLayers      per layer: true when the layer only attends to the last {@code slidingWindow} tokens
 * @param slidingWindow  the window, 0 when none
 * @param warnings       what was missing, wrong or guessed, in the user's language
 */
record ModelFacts(String architecture, boolean knownArchitecture, int layers, long embedding, long heads,
        long feedForward, long vocab, long trainedContext, long[] kvWidths, long[] kWidths, boolean[] swaLayers,
        long slidingWindow, List<String> warnings) {

    boolean approximate() {
        return !knownArchitecture || !warnings.isEmpty();
    }
}

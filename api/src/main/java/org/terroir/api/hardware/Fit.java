package org.terroir.api.hardware;

import java.util.Objects;

/**
 * Whether a model fits this machine.
 *
 * @param verdict            where it can run
 * @param reason             why, in the user's language, with the figures that decided
 * @param gpuLayers          layers to offload for this verdict (all for FULL_GPU, some for PARTIAL_GPU, else 0)
 * @param maxContextThatFits the largest context length (up to the model's trained length) that still fits with
 *                           this placement; 0 when even the weights do not fit, and for an ONNX model (its
 *                           context is fixed by its export, and it has no K/V cache to size)
 * @param approximate        true when the estimate behind it is approximate
 * @param estimate           the estimate for the requested (or default) context length and this placement
 */
public record Fit(Verdict verdict, String reason, int gpuLayers, int maxContextThatFits, boolean approximate,
        MemoryEstimate estimate) {
    public Fit {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(estimate, "estimate");
    }
}

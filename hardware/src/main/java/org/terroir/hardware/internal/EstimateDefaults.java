package org.terroir.hardware.internal;

/** Defaults of the estimator where neither the options nor the model say. */
final class EstimateDefaults {
    /** Trained context assumed when the model does not say. */
    static final long FALLBACK_CONTEXT = 4096;
    /** llama.cpp's default ubatch. */
    static final int UBATCH = 512;

    private EstimateDefaults() {
    }
}

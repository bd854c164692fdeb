package org.terroir.api.catalog;

/** Whether a model file fits this machine, as the hardware advisor judged it from the file's header. */
public enum FitBadge {
    /** Fits entirely (in VRAM, or in RAM when running on the CPU). */
    FITS,
    /** Runs with part of the layers on the GPU and the rest on the CPU. */
    PARTLY_FITS,
    /** Does not fit in this machine's memory. */
    TOO_LARGE,
    /** Not judged: no advisor, no header, or not a GGUF file. */
    UNKNOWN,
    /** No engine installed here loads the file's architecture: downloading it would be for nothing. */
    UNSUPPORTED
}

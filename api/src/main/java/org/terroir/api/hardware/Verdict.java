package org.terroir.api.hardware;

/** Where a model can run on this machine. */
public enum Verdict {
    /** Every layer on the GPU. */
    FULL_GPU,
    /** Some layers on the GPU, the rest on the CPU. */
    PARTIAL_GPU,
    /** On the CPU, in system memory. */
    CPU_ONLY,
    /** Not on this machine with these settings. */
    TOO_LARGE
}

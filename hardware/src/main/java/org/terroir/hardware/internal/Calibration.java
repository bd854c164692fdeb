package org.terroir.hardware.internal;

/**
 * The estimator's constants that only a measurement can give, with the defaults measured by the accuracy
 * benchmark (bench: org.terroir.bench.hardware.EstimateAccuracyBench) on the llama.cpp worker.
 *
 * @param processBaseline resident memory of a worker process with a model loaded, less the model's own parts
 *                        (weights, cache, compute): the JVM, libjllama, ggml's contexts and threads
 * @param perVocabToken   resident bytes per vocabulary entry (llama.cpp's token tables and maps)
 * @param gpuContext      GPU memory a backend context takes before any tensor (CUDA/Metal context, cuBLAS)
 * @param repackQ4_0      whether the CPU backend keeps a second, repacked copy of Q4_0 weights (x86 with AVX2
 *                        and ARM with NEON/i8mm do: ggml's "CPU_AARCH64" extra buffer type)
 * @param swaAwareCache   whether sliding-window layers cache only the window (llama.cpp since mid-2025)
 */
public record Calibration(long processBaseline, long perVocabToken, long gpuContext, boolean repackQ4_0,
        boolean swaAwareCache) {

    public static final long MIB = 1024L * 1024;

    /** Defaults for the machine this runs on. */
    public static Calibration forThisMachine() {
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        boolean repack = arch.contains("amd64") || arch.contains("x86_64") || arch.contains("aarch64");
        // Measured by the benchmark (2026-11, de.kherud:llama 4.2.0 = llama.cpp b4916, worker JVM options
        // -Xss4m -Xmx512m -XX:+UseSerialGC, C2 on): 73 MiB + ~128 B per vocabulary entry.
        return new Calibration(73 * MIB, 128, 400 * MIB, repack, true);
    }
}

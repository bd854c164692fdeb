package org.terroir.hardware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.Figure;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.Source;
import org.terroir.api.hardware.Verdict;
import org.terroir.gguf.GgmlType;

class FitAdvisorTest {
    private static final long GIB = 1L << 30;
    private final MemoryEstimator estimator = new MemoryEstimator(new Calibration(0, 0, 0, false, true));
    private final FitAdvisor advisor = new FitAdvisor(estimator);

    /** About 1 GiB of weights over 16 layers of 64 MiB, F16. */
    private static ModelShape model() {
        return TestShapes.llama(16, 2048, 16, 4, 8192, 4096, 32768, GgmlType.Q8_0).shape();
    }

    static HardwareProfile machine(long ramAvailable, long vramFree, boolean unified) {
        List<GpuInfo> gpus = vramFree < 0 ? List.of()
                : List.of(new GpuInfo("Test GPU", "NVIDIA", new Figure(vramFree, Source.NVIDIA_SMI),
                        new Figure(vramFree, Source.NVIDIA_SMI), unified));
        return new HardwareProfile("test os", "test cpu", new Figure(4, Source.OSHI), new Figure(8, Source.OSHI),
                Set.of("AVX2"), new Figure(ramAvailable, Source.OSHI), new Figure(ramAvailable, Source.OSHI),
                Figure.unknown(), gpus, Path.of("models"), new Figure(100 * GIB, Source.JVM), Instant.now());
    }

    @Test
    void bigGpuTakesEverything() {
        Fit f = advisor.fit(model(), EstimateOptions.defaults(), machine(16 * GIB, 24 * GIB, false));
        assertEquals(Verdict.FULL_GPU, f.verdict());
        assertEquals(17, f.gpuLayers());
        assertTrue(f.estimate().vram() <= 24 * GIB);
        assertEquals(32768, f.maxContextThatFits());
    }

    @Test
    void smallGpuTakesTheLayersThatFit() {
        ModelShape m = model();
        MemoryEstimate full = estimator.estimate(m, EstimateOptions.defaults().withGpuLayers(-1));
        // A GPU with 60 % of what the full offload needs.
        Fit f = advisor.fit(m, EstimateOptions.defaults(), machine(16 * GIB, full.vram() * 6 / 10, false));
        assertEquals(Verdict.PARTIAL_GPU, f.verdict());
        assertTrue(f.gpuLayers() > 0 && f.gpuLayers() < 16, f.reason());
        // one more layer would not fit
        MemoryEstimate more = estimator.estimate(m, EstimateOptions.defaults().withGpuLayers(f.gpuLayers() + 1));
        assertTrue(more.vram() > full.vram() * 6 / 10);
        assertTrue(f.reason().contains(f.gpuLayers() + " "), f.reason());
    }

    @Test
    void noGpuMeansCpuAndTooLittleRamMeansTooLarge() {
        ModelShape m = model();
        Fit cpu = advisor.fit(m, EstimateOptions.defaults(), machine(16 * GIB, -1, false));
        assertEquals(Verdict.CPU_ONLY, cpu.verdict());
        assertEquals(0, cpu.gpuLayers());

        long need = estimator.estimate(m, EstimateOptions.defaults()).ram();
        Fit tooLarge = advisor.fit(m, EstimateOptions.defaults(), machine(need / 2, -1, false));
        assertEquals(Verdict.TOO_LARGE, tooLarge.verdict());
        assertEquals(0, tooLarge.maxContextThatFits());
    }

    @Test
    void maxContextIsTheLargestThatFits() {
        ModelShape m = model();
        long at8k = estimator.estimate(m, EstimateOptions.defaults().withContextLength(8192)).ram();
        Fit f = advisor.fit(m, EstimateOptions.defaults().withContextLength(32768), machine(at8k, -1, false));
        assertEquals(Verdict.TOO_LARGE, f.verdict());
        assertEquals(8192, f.maxContextThatFits());
        Fit ok = advisor.fit(m, EstimateOptions.defaults().withContextLength(4096), machine(at8k, -1, false));
        assertEquals(Verdict.CPU_ONLY, ok.verdict());
        assertEquals(8192, ok.maxContextThatFits());
        assertTrue(ok.reason().contains("8192"), ok.reason());
    }

    @Test
    void requestedLayersAreJudgedAsAsked() {
        Fit f = advisor.fit(model(), EstimateOptions.defaults().withGpuLayers(4), machine(16 * GIB, 24 * GIB,
                false));
        assertEquals(Verdict.PARTIAL_GPU, f.verdict());
        assertEquals(4, f.gpuLayers());
        Fit none = advisor.fit(model(), EstimateOptions.defaults().withGpuLayers(4), machine(16 * GIB, -1, false));
        assertEquals(Verdict.TOO_LARGE, none.verdict());
    }

    @Test
    void unifiedMemoryCountsGpuAndCpuOnceInTheSameRam() {
        ModelShape m = model();
        MemoryEstimate full = estimator.estimate(m, EstimateOptions.defaults().withGpuLayers(-1));
        // GPU share large enough, but RAM smaller than the total: the same memory cannot hold both.
        Fit f = advisor.fit(m, EstimateOptions.defaults(), machine(full.total() - 1, full.vram(), true));
        assertTrue(f.verdict() != Verdict.FULL_GPU, f.reason());
    }
}

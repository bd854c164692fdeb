package org.terroir.api.hardware;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What this machine has, each figure with its {@link Source}.
 *
 * @param os             operating system, e.g. "GNU/Linux Ubuntu 22.04"
 * @param cpuModel       processor model name
 * @param physicalCores  physical cores
 * @param logicalCores   hardware threads
 * @param cpuFeatures    SIMD features found, upper case: AVX, AVX2, AVX512F, FMA, F16C, NEON...
 * @param ramTotal       installed memory
 * @param ramAvailable   memory available now (free + reclaimable caches)
 * @param memoryLimit    a container (cgroup) limit on this process's memory, or {@link Figure#unknown()} when none
 * @param gpus           graphics processors, possibly none
 * @param modelsDir      where models live ({@code TERROIR_HOME/models})
 * @param diskFree       free space on the disk holding {@code modelsDir}
 * @param probedAt       when the probe ran
 */
public record HardwareProfile(String os, String cpuModel, Figure physicalCores, Figure logicalCores,
        Set<String> cpuFeatures, Figure ramTotal, Figure ramAvailable, Figure memoryLimit, List<GpuInfo> gpus,
        Path modelsDir, Figure diskFree, Instant probedAt) {

    public HardwareProfile {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(cpuModel, "cpuModel");
        cpuFeatures = Set.copyOf(cpuFeatures);
        gpus = List.copyOf(gpus);
        memoryLimit = memoryLimit == null ? Figure.unknown() : memoryLimit;
    }

    /** RAM this process may use: the smaller of the available RAM and the container limit. */
    public long usableRam() {
        long ram = Math.max(0, ramAvailable.value());
        return memoryLimit.known() ? Math.min(ram, memoryLimit.value()) : ram;
    }

    /** Total RAM seen by this process: the smaller of the installed RAM and the container limit. */
    public long effectiveRamTotal() {
        long ram = Math.max(0, ramTotal.value());
        return memoryLimit.known() ? Math.min(ram, memoryLimit.value()) : ram;
    }

    /** The GPU with the most usable memory, if any. */
    public java.util.Optional<GpuInfo> bestGpu() {
        return gpus.stream().filter(g -> g.usableVram() > 0)
                .max(java.util.Comparator.comparingLong(GpuInfo::usableVram));
    }
}

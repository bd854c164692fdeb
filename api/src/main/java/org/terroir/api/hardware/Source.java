package org.terroir.api.hardware;

/** Where a figure of the {@link HardwareProfile} came from, so that a user can judge how far to trust it. */
public enum Source {
    /** The OSHI library (operating system APIs). */
    OSHI,
    /** The Java runtime ({@code Runtime}, {@code FileStore}). */
    JVM,
    /** {@code nvidia-smi --query-gpu}: the driver's own figure. */
    NVIDIA_SMI,
    /** {@code /sys/class/drm/card*}{@code /device/mem_info_vram_*} (AMD amdgpu driver). */
    SYSFS_DRM,
    /** A cgroup v1 memory limit ({@code memory.limit_in_bytes}). */
    CGROUP_V1,
    /** A cgroup v2 memory limit ({@code memory.max}). */
    CGROUP_V2,
    /** Apple Silicon: the GPU shares the system memory; its usable share is computed from the RAM. */
    UNIFIED_MEMORY,
    /** Computed by Terroir from other figures (for example model sizes). */
    ESTIMATE,
    /** Nothing could tell; the value is 0 or -1. */
    UNKNOWN
}

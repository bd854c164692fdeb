package org.terroir.api.hardware;

import java.util.Objects;

/**
 * One graphics processor.
 *
 * @param name          model name as the driver reports it
 * @param vendor        vendor name
 * @param vramTotal     memory the GPU can use; for unified memory, the GPU's usable share of the RAM
 * @param vramFree      memory free now, or {@link Figure#unknown()}
 * @param unifiedMemory true when the GPU shares the system RAM (Apple Silicon, most integrated GPUs)
 */
public record GpuInfo(String name, String vendor, Figure vramTotal, Figure vramFree, boolean unifiedMemory) {
    public GpuInfo {
        Objects.requireNonNull(name, "name");
        vendor = vendor == null ? "" : vendor;
        Objects.requireNonNull(vramTotal, "vramTotal");
        vramFree = vramFree == null ? Figure.unknown() : vramFree;
    }

    /** What a model may use: the free figure when known, else the total. */
    public long usableVram() {
        return vramFree.known() ? vramFree.value() : Math.max(0, vramTotal.value());
    }
}

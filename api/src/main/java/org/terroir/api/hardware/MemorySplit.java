package org.terroir.api.hardware;

/**
 * Bytes of one part of an estimate, split between system RAM and GPU memory.
 *
 * @param ram  bytes in system memory (resident set of the worker process)
 * @param vram bytes in GPU memory
 */
public record MemorySplit(long ram, long vram) {
    public static final MemorySplit NONE = new MemorySplit(0, 0);

    public long total() {
        return ram + vram;
    }

    public MemorySplit plus(MemorySplit other) {
        return new MemorySplit(ram + other.ram, vram + other.vram);
    }
}

package org.terroir.hardware.internal.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's busy CPU time from {@code /proc/stat}'s first {@code cpu} line. */
final class ProcStat {
    /** Linux reports /proc/stat in USER_HZ ticks, which the kernel fixes at 100 per second for user space. */
    static final double TICKS_PER_SECOND = 100.0;

    private final Path file;

    ProcStat(Path file) {
        this.file = file;
    }

    /** Busy seconds of every CPU together since boot (user, nice, system, irq, softirq, steal), or -1. */
    double busySeconds() {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long busy = 0;
                    int[] fields = {1, 2, 3, 6, 7, 8};
                    for (int i : fields) {
                        if (i < f.length) {
                            busy += Long.parseLong(f[i]);
                        }
                    }
                    return busy / TICKS_PER_SECOND;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

package org.terroir.hardware.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.terroir.api.hardware.Figure;
import org.terroir.api.hardware.Source;

/**
 * The memory limit a container puts on this process (Linux cgroups). A container sees the host's RAM in
 * /proc/meminfo, so without this a model "fits" and then the kernel kills the worker.
 */
final class CgroupLimit {
    /** cgroup v1 reports "no limit" as a huge page-aligned number. */
    private static final long UNLIMITED = 1L << 60;

    private final Path proc;
    private final Path cgroupRoot;

    CgroupLimit(Path proc, Path cgroupRoot) {
        this.proc = proc;
        this.cgroupRoot = cgroupRoot;
    }

    static CgroupLimit system() {
        return new CgroupLimit(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    }

    Figure read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve("self/cgroup"));
        } catch (IOException | RuntimeException e) {
            return Figure.unknown();
        }
        long best = Long.MAX_VALUE;
        Source source = Source.UNKNOWN;
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            if (parts[0].equals("0") && parts[1].isEmpty()) {
                long v = walk(cgroupRoot, parts[2], "memory.max");
                if (v < best) {
                    best = v;
                    source = Source.CGROUP_V2;
                }
            } else if (List.of(parts[1].split(",")).contains("memory")) {
                long v = walk(cgroupRoot.resolve("memory"), parts[2], "memory.limit_in_bytes");
                if (v < best) {
                    best = v;
                    source = Source.CGROUP_V1;
                }
            }
        }
        return best < UNLIMITED ? new Figure(best, source) : Figure.unknown();
    }

    /** The smallest limit from the process's group up to the root (a parent's limit applies to children). */
    private static long walk(Path root, String group, String file) {
        long best = Long.MAX_VALUE;
        Path dir = root.resolve(group.startsWith("/") ? group.substring(1) : group).normalize();
        if (!dir.startsWith(root)) {
            return best;
        }
        for (Path d = dir; d != null && d.startsWith(root); d = d.getParent()) {
            best = Math.min(best, value(d.resolve(file)));
        }
        return best;
    }

    private static long value(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.equals("max") ? Long.MAX_VALUE : Long.parseLong(s);
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}

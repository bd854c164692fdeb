package org.terroir.hardware.internal.energy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Linux powercap RAPL counters: every package domain ({@code intel-rapl:N}) and its {@code dram} sub-domain
 * ({@code intel-rapl:N:M} named {@code dram}); the {@code core}/{@code uncore} sub-domains are parts of the package
 * and are left out so nothing is counted twice. Counters are microjoules that wrap at {@code max_energy_range_uj}.
 */
final class Rapl {
    /** One domain's counter file and its wrap-around range. */
    record Domain(String name, Path counter, long maxRangeMicrojoules) {
    }

    /** What the counters look like on this machine. */
    enum State { READABLE, ROOT_ONLY, ABSENT }

    private final List<Domain> domains;
    private final State state;

    private Rapl(List<Domain> domains, State state) {
        this.domains = List.copyOf(domains);
        this.state = state;
    }

    /** The domains under {@code root} (normally {@code /sys/class/powercap}). */
    static Rapl discover(Path root) {
        List<Domain> found = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "intel-rapl:*")) {
                for (Path dir : dirs) {
                    String zone = dir.getFileName().toString();
                    long colons = zone.chars().filter(c -> c == ':').count();
                    String name = readString(dir.resolve("name")).orElse(zone);
                    // Top-level packages and their DRAM; never "psys" (the whole platform, which already holds the
                    // packages: adding it would count their energy twice).
                    if ((colons == 1 && !name.equals("psys")) || (colons == 2 && name.equals("dram"))) {
                        long max = readString(dir.resolve("max_energy_range_uj")).map(Rapl::parseLong)
                                .orElse(0L);
                        found.add(new Domain(name + " (" + zone + ")", dir.resolve("energy_uj"), max));
                    }
                }
            } catch (IOException e) {
                return new Rapl(List.of(), State.ABSENT);
            }
        }
        found.sort((a, b) -> a.counter().toString().compareTo(b.counter().toString()));
        if (found.isEmpty()) {
            return new Rapl(found, State.ABSENT);
        }
        for (Domain d : found) {
            if (read(d) < 0) {
                return new Rapl(found, State.ROOT_ONLY);
            }
        }
        return new Rapl(found, State.READABLE);
    }

    State state() {
        return state;
    }

    List<Domain> domains() {
        return domains;
    }

    /** Every domain's counter now, in microjoules; null when one cannot be read. */
    long[] snapshot() {
        if (state != State.READABLE) {
            return null;
        }
        long[] values = new long[domains.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = read(domains.get(i));
            if (values[i] < 0) {
                return null;
            }
        }
        return values;
    }

    /** Joules between two snapshots, each counter's wrap-around accounted for (at most one wrap per window). */
    double joulesBetween(long[] before, long[] after) {
        long micro = 0;
        for (int i = 0; i < before.length; i++) {
            micro += delta(before[i], after[i], domains.get(i).maxRangeMicrojoules());
        }
        return micro / 1e6;
    }

    static long delta(long before, long after, long maxRange) {
        if (after >= before) {
            return after - before;
        }
        // The counter wrapped: it went up to max_energy_range_uj, restarted at zero and went on.
        return maxRange > before ? maxRange - before + after : after;
    }

    private static long read(Domain d) {
        try {
            return Long.parseLong(Files.readString(d.counter()).trim());
        } catch (AccessDeniedException e) {
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static Optional<String> readString(Path file) {
        try {
            return Optional.of(Files.readString(file).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0L;
        }
    }
}

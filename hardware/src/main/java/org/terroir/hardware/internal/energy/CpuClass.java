package org.terroir.hardware.internal.energy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The class of CPU, for the estimate: the power one busy core draws, on average, in each class. The figures and
 * where they come from are in docs/ENERGY.md; they are rough, which is why an estimate says it is one.
 */
enum CpuClass {
    LAPTOP(4.0), DESKTOP(10.0), SERVER(6.0), APPLE(3.0);

    final double wattsPerCore;

    CpuClass(double wattsPerCore) {
        this.wattsPerCore = wattsPerCore;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * This machine's class: Apple silicon on macOS with an aarch64 CPU; a laptop when Linux shows a battery;
     * a server for a Xeon, EPYC or a machine with 32 or more hardware threads; a desktop otherwise.
     */
    static CpuClass detect(String osName, String arch, String cpuName, int threads, Path powerSupply) {
        String os = osName.toLowerCase(Locale.ROOT);
        String cpu = cpuName == null ? "" : cpuName.toLowerCase(Locale.ROOT);
        if (os.contains("mac") && (arch.contains("aarch64") || arch.contains("arm"))) {
            return APPLE;
        }
        if (cpu.contains("xeon") || cpu.contains("epyc") || cpu.contains("threadripper pro") || threads >= 32) {
            return SERVER;
        }
        if (hasBattery(powerSupply)) {
            return LAPTOP;
        }
        return DESKTOP;
    }

    private static boolean hasBattery(Path powerSupply) {
        if (powerSupply == null || !Files.isDirectory(powerSupply)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(powerSupply)) {
            for (Path p : s) {
                try {
                    if ("Battery".equals(Files.readString(p.resolve("type")).trim())) {
                        return true;
                    }
                } catch (IOException ignored) {
                    // A supply without a readable type is not counted.
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** The CPU's model name from /proc/cpuinfo, or empty. */
    static String cpuName(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? "" : line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }
}

package org.terroir.hardware.internal.energy;

import java.util.Locale;

import org.terroir.api.energy.EnergyUse;

/**
 * Turns two readings of the counters into the energy the work used. With readable RAPL counters: the package and
 * DRAM energy of the window × the process's share of the machine's busy CPU time in the same window (measured).
 * Otherwise: the process's CPU seconds × the power of one busy core of the machine's class (estimated). The busy
 * GPUs' energy, when nvidia-smi reports it, is added in both cases.
 */
final class Attribution {

    /**
     * The counters at one instant.
     *
     * @param rapl          RAPL counters in microjoules, or null when they cannot be read
     * @param machineBusy   busy CPU seconds of the whole machine (/proc/stat), or -1
     * @param processCpu    CPU seconds of the process doing the work, or -1 when unknown
     * @param gpuJoules     the GPU source's running sum
     */
    record Reading(long[] rapl, double machineBusy, double processCpu, double gpuJoules) {
    }

    private final Rapl rapl;
    private final CpuClass cpuClass;
    private final String gpuSource;

    Attribution(Rapl rapl, CpuClass cpuClass, String gpuSource) {
        this.rapl = rapl;
        this.cpuClass = cpuClass;
        this.gpuSource = gpuSource;
    }

    /** The process's share of the machine's busy CPU time between two readings, in [0, 1]. */
    static double share(double processCpuSeconds, double machineBusySeconds) {
        if (!(processCpuSeconds > 0) || !(machineBusySeconds > 0)) {
            return 0;
        }
        return Math.min(1.0, processCpuSeconds / machineBusySeconds);
    }

    EnergyUse between(Reading before, Reading after) {
        double cpuSeconds = before.processCpu() >= 0 && after.processCpu() >= 0
                ? Math.max(0, after.processCpu() - before.processCpu()) : 0;
        double gpu = Math.max(0, after.gpuJoules() - before.gpuJoules());
        String gpuPart = gpu > 0 ? " + " + gpuSource : "";
        if (before.rapl() != null && after.rapl() != null && before.machineBusy() >= 0 && after.machineBusy() >= 0) {
            double machine = after.machineBusy() - before.machineBusy();
            double share = share(cpuSeconds, machine);
            double cpuJoules = rapl.joulesBetween(before.rapl(), after.rapl()) * share;
            return new EnergyUse(cpuJoules + gpu, EnergyUse.Method.MEASURED, String.format(Locale.ROOT,
                    "RAPL package+dram × worker's CPU share (%.0f %%)%s", share * 100, gpuPart));
        }
        double cpuJoules = cpuSeconds * cpuClass.wattsPerCore;
        String why = switch (rapl.state()) {
            case ROOT_ONLY -> "; RAPL counters readable by root only, see docs/ENERGY.md";
            case ABSENT, READABLE -> "";
        };
        // With a measured GPU part the CPU part is still an estimate, so the whole is.
        return new EnergyUse(cpuJoules + gpu, EnergyUse.Method.ESTIMATED, String.format(Locale.ROOT,
                "CPU time %.2f s × %.0f W per core (%s class)%s%s", cpuSeconds, cpuClass.wattsPerCore,
                cpuClass.label(), gpuPart, why));
    }
}

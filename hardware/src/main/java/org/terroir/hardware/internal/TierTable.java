package org.terroir.hardware.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.Tier;
import org.terroir.api.hardware.TierAdvice;

/**
 * The guide's tier table (shared/DESIGN.md): a machine's tier is the higher of what its RAM and what its GPU
 * memory allow. Thresholds take 10 % off the nominal sizes, because a "16 GB" machine reports about 15.5 GiB.
 */
public final class TierTable {
    private static final long GIB = 1024L * 1024 * 1024;
    /** RAM needed per tier, index = tier ordinal (the guide's lower bounds, nominal GB). */
    private static final long[] RAM_GB = {0, 16, 32, 64, 128};
    /** GPU memory per tier: entry GPU, mid-range, high-end, several GPUs. */
    private static final long[] VRAM_GB = {0, 4, 8, 16, 48};

    private TierTable() {
    }

    public static Tier tierOf(HardwareProfile p) {
        return Tier.values()[Math.max(ramTier(p), gpuTier(p))];
    }

    private static int ramTier(HardwareProfile p) {
        return level(p.effectiveRamTotal(), RAM_GB);
    }

    private static int gpuTier(HardwareProfile p) {
        long best = 0;
        long sum = 0;
        for (GpuInfo g : p.gpus()) {
            if (g.unifiedMemory()) {
                continue; // unified memory is RAM, already counted
            }
            long v = Math.max(0, g.vramTotal().value());
            best = Math.max(best, v);
            sum += v;
        }
        int single = level(best, VRAM_GB);
        // Only several GPUs together reach the last tier.
        int several = p.gpus().size() > 1 && level(sum, VRAM_GB) == VRAM_GB.length - 1 ? VRAM_GB.length - 1 : 0;
        return Math.max(Math.min(single, VRAM_GB.length - 2), several);
    }

    private static int level(long bytes, long[] thresholdsGb) {
        int level = 0;
        for (int i = 1; i < thresholdsGb.length; i++) {
            if (bytes >= thresholdsGb[i] * GIB * 9 / 10) {
                level = i;
            }
        }
        return level;
    }

    public static TierAdvice advice(HardwareProfile p, Locale locale) {
        Tier tier = tierOf(p);
        String k = "tier." + tier.ordinal() + ".";
        List<String> tasks = new ArrayList<>();
        for (String t : Messages.get(locale, k + "tasks").split("\\|")) {
            tasks.add(t.trim());
        }
        String why = Messages.get(locale, "tier.why", Bytes.format(p.effectiveRamTotal(), locale),
                p.bestGpu().filter(g -> !g.unifiedMemory()).map(g -> g.name() + " "
                        + Bytes.format(g.vramTotal().value(), locale)).orElse(Messages.get(locale, "tier.noGpu")));
        return new TierAdvice(tier, Messages.get(locale, k + "sizes"), Messages.get(locale, k + "hardware"), tasks,
                Messages.get(locale, k + "tryFirst"), why);
    }
}

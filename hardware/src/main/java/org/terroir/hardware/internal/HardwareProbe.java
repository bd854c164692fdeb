package org.terroir.hardware.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.terroir.api.hardware.Figure;
import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.Source;

/** Probes this machine: OSHI first, the drivers' own tools for GPU memory, the JVM where OSHI is missing. */
public final class HardwareProbe {
    private static final System.Logger LOG = System.getLogger(HardwareProbe.class.getName());
    /** The SIMD features llama.cpp's CPU backend cares about, as /proc/cpuinfo, sysctl or Windows name them. */
    private static final Set<String> SIMD = Set.of("SSE3", "SSSE3", "SSE4_1", "SSE4_2", "AVX", "AVX2", "FMA",
            "F16C", "AVX512F", "AVX512BW", "AVX512VL", "AVX512_VNNI", "AVX512VNNI", "AVX512_BF16", "AVX_VNNI",
            "AMX_TILE", "AMX_INT8", "AMX_BF16", "NEON", "SVE", "SVE2", "DOTPROD", "I8MM", "BF16");

    private final Path modelsDir;
    private final Path drmRoot;
    private final CgroupLimit cgroup;

    public HardwareProbe(Path modelsDir, Path drmRoot, CgroupLimit cgroup) {
        this.modelsDir = modelsDir;
        this.drmRoot = drmRoot;
        this.cgroup = cgroup;
    }

    public static HardwareProbe system() {
        return new HardwareProbe(org.terroir.api.TerroirHome.models(), Path.of("/sys/class/drm"), CgroupLimit.system());
    }

    public HardwareProfile probe() {
        return probe(modelsDir);
    }

    /** The profile, its free disk read where the models go (the library's folder, which a user may choose). */
    public HardwareProfile probe(Path modelsDir) {
        OshiProbe.Raw raw = null;
        try {
            raw = OshiProbe.read();
        } catch (LinkageError | RuntimeException e) {
            // No OSHI/JNA for this platform (or not resolved in the framework): JVM figures still work.
            LOG.log(Level.WARNING, "OSHI unavailable, using JVM figures: " + e);
        }
        String osName = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        String os = raw != null ? raw.os() : osName + " " + System.getProperty("os.version", "") + " (" + arch + ")";
        String cpu = raw != null && !raw.cpuName().isBlank() ? raw.cpuName() : arch;
        Figure logical = raw != null && raw.logical() > 0 ? new Figure(raw.logical(), Source.OSHI)
                : new Figure(Runtime.getRuntime().availableProcessors(), Source.JVM);
        Figure physical = raw != null && raw.physical() > 0 ? new Figure(raw.physical(), Source.OSHI)
                : new Figure(logical.value(), Source.JVM);
        Figure ramTotal;
        Figure ramAvailable;
        if (raw != null && raw.ramTotal() > 0) {
            ramTotal = new Figure(raw.ramTotal(), Source.OSHI);
            ramAvailable = new Figure(raw.ramAvailable(), Source.OSHI);
        } else {
            long[] jvm = jvmMemory();
            ramTotal = new Figure(jvm[0], jvm[0] > 0 ? Source.JVM : Source.UNKNOWN);
            ramAvailable = new Figure(jvm[1], jvm[1] >= 0 ? Source.JVM : Source.UNKNOWN);
        }
        Set<String> features = features(raw == null ? List.of() : raw.featureFlags(), arch);
        List<GpuInfo> gpus = gpus(raw, osName, arch, cpu, ramTotal.value());
        return new HardwareProfile(os.trim(), cpu, physical, logical, features, ramTotal, ramAvailable,
                cgroup.read(), gpus, modelsDir, diskFree(modelsDir), Instant.now());
    }

    private List<GpuInfo> gpus(OshiProbe.Raw raw, String osName, String arch, String cpu, long ramTotal) {
        List<GpuInfo> gpus = new ArrayList<>(GpuSources.nvidiaSmi());
        gpus.addAll(GpuSources.drm(drmRoot));
        boolean apple = osName.toLowerCase(Locale.ROOT).contains("mac") && arch.contains("aarch64");
        if (apple) {
            gpus.add(GpuSources.appleUnified(cpu, ramTotal));
        }
        if (raw == null) {
            return gpus;
        }
        for (OshiProbe.Card card : raw.cards()) {
            boolean covered = gpus.stream().anyMatch(g -> sameVendor(g.vendor(), card.vendor())
                    || card.name().toLowerCase(Locale.ROOT).contains(g.vendor().toLowerCase(Locale.ROOT)));
            String vendor = card.vendor().toLowerCase(Locale.ROOT);
            boolean known = vendor.contains("nvidia") || vendor.contains("amd") || vendor.contains("advanced micro")
                    || vendor.contains("intel");
            if (covered || apple || (card.vram() <= 0 && !known)) {
                continue; // virtual displays and the like: "unknown", no memory
            }
            // Only OSHI knows this card: its VRAM figure is a guess (PCI BAR sizes), so mark free as unknown
            // and report integrated GPUs (Intel) with no dedicated memory as such.
            boolean integrated = card.vendor().toLowerCase(Locale.ROOT).contains("intel");
            gpus.add(new GpuInfo(card.name(), card.vendor(),
                    new Figure(integrated ? 0 : Math.max(0, card.vram()), Source.OSHI), Figure.unknown(),
                    integrated));
        }
        return gpus;
    }

    private static boolean sameVendor(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        return !x.isEmpty() && (y.contains(x) || (x.equals("amd") && y.contains("advanced micro")));
    }

    /** Normalizes OSHI's feature lines ("flags: fpu avx2 ...", "hw.optional.avx2_0: 1", "PF_AVX2_...") to names. */
    static Set<String> features(List<String> flags, String arch) {
        Set<String> out = new TreeSet<>();
        for (String line : flags) {
            String l = line.toUpperCase(Locale.ROOT);
            if (l.matches(".*:\\s*0\\s*$")) {
                continue; // sysctl "feature: 0" means absent
            }
            for (String token : l.split("[\\s:]+")) {
                String t = token.replace("HW.OPTIONAL.", "").replace("ARM.FEAT_", "").replace("PF_", "")
                        .replace("_INSTRUCTIONS_AVAILABLE", "").replace('.', '_');
                if (!SIMD.contains(t)) {
                    t = t.replaceAll("_\\d+$", ""); // sysctl's "avx2_0"
                }
                if (t.equals("ASIMD") || t.equals("ADVSIMD")) {
                    t = "NEON";
                }
                if (SIMD.contains(t)) {
                    out.add(t);
                }
            }
        }
        if (arch.contains("aarch64") || arch.contains("arm64")) {
            out.add("NEON"); // every 64-bit ARM core has it
        }
        return out;
    }

    private static long[] jvmMemory() {
        try {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new long[] {os.getTotalMemorySize(), os.getFreeMemorySize()};
        } catch (RuntimeException | LinkageError e) {
            return new long[] {-1, -1};
        }
    }

    /** Free space on the disk that holds (or will hold) the models folder. */
    static Figure diskFree(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return Figure.unknown();
        }
        try {
            return new Figure(Files.getFileStore(p).getUsableSpace(), Source.JVM);
        } catch (IOException | RuntimeException e) {
            return Figure.unknown();
        }
    }
}

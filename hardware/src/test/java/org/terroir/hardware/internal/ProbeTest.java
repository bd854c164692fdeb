package org.terroir.hardware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.terroir.testkit.i18n.BundleParity;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.hardware.Figure;
import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.Source;
import org.terroir.api.hardware.Tier;
import org.terroir.api.hardware.TierAdvice;

class ProbeTest {
    private static final long GIB = 1L << 30;

    @Test
    void probeOfThisMachineHasFiguresAndTheirSources(@TempDir Path dir) {
        HardwareProfile p = new HardwareProbe(dir.resolve("models"), dir.resolve("no-drm"), CgroupLimit.system())
                .probe();
        assertTrue(p.ramTotal().value() > 0, p.toString());
        assertTrue(p.ramAvailable().value() > 0 && p.ramAvailable().value() <= p.ramTotal().value(), p.toString());
        assertTrue(p.logicalCores().value() > 0 && p.physicalCores().value() > 0, p.toString());
        assertNotEquals(Source.UNKNOWN, p.ramTotal().source());
        assertNotEquals(Source.UNKNOWN, p.logicalCores().source());
        assertEquals(Source.OSHI, p.ramTotal().source(), "OSHI runs on this platform");
        assertEquals(Source.JVM, p.diskFree().source());
        assertTrue(p.diskFree().value() > 0);
        assertFalse(p.cpuModel().isBlank());
        assertFalse(p.os().isBlank());
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64") && p.cpuFeatures().contains("AVX2")) {
            assertTrue(p.cpuFeatures().contains("AVX"), p.cpuFeatures().toString());
        }
    }

    @Test
    void cgroupV2LimitIsTheSmallestOnThePath(@TempDir Path root) throws IOException {
        Path proc = root.resolve("proc");
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/cgroup"), "0::/user.slice/app.scope\n");
        Path cg = root.resolve("cgroup");
        Files.createDirectories(cg.resolve("user.slice/app.scope"));
        Files.writeString(cg.resolve("user.slice/memory.max"), "8589934592\n");
        Files.writeString(cg.resolve("user.slice/app.scope/memory.max"), "max\n");
        assertEquals(new Figure(8L * GIB, Source.CGROUP_V2), new CgroupLimit(proc, cg).read());
        Files.writeString(cg.resolve("user.slice/memory.max"), "max\n");
        assertFalse(new CgroupLimit(proc, cg).read().known());
    }

    @Test
    void cgroupV1Limit(@TempDir Path root) throws IOException {
        Path proc = root.resolve("proc");
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/cgroup"), "12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n");
        Path cg = root.resolve("cgroup");
        Files.createDirectories(cg.resolve("memory/docker/abc"));
        Files.writeString(cg.resolve("memory/docker/abc/memory.limit_in_bytes"), "4294967296\n");
        assertEquals(new Figure(4L * GIB, Source.CGROUP_V1), new CgroupLimit(proc, cg).read());
        Files.writeString(cg.resolve("memory/docker/abc/memory.limit_in_bytes"), "9223372036854771712\n");
        assertFalse(new CgroupLimit(proc, cg).read().known());
    }

    @Test
    void nvidiaSmiOutputIsParsed() {
        List<GpuInfo> gpus = GpuSources.parseNvidiaSmi(
                "NVIDIA GeForce RTX 4090, 24564, 1024\nNVIDIA A100-SXM4-80GB, [N/A], [N/A]\n");
        assertEquals(1, gpus.size());
        GpuInfo g = gpus.get(0);
        assertEquals("NVIDIA GeForce RTX 4090", g.name());
        assertEquals(new Figure(24564L << 20, Source.NVIDIA_SMI), g.vramTotal());
        assertEquals(new Figure((24564L - 1024) << 20, Source.NVIDIA_SMI), g.vramFree());
    }

    @Test
    void amdVramComesFromSysfs(@TempDir Path drm) throws IOException {
        Path dev = drm.resolve("card1/device");
        Files.createDirectories(dev);
        Files.createDirectories(drm.resolve("card1-DP-1"));
        Files.createDirectories(drm.resolve("card0/device")); // an Intel card: no VRAM files
        Files.writeString(dev.resolve("mem_info_vram_total"), "17163091968\n");
        Files.writeString(dev.resolve("mem_info_vram_used"), "163091968\n");
        Files.writeString(dev.resolve("product_name"), "Radeon RX 7800 XT\n");
        List<GpuInfo> gpus = GpuSources.drm(drm);
        assertEquals(1, gpus.size());
        assertEquals("Radeon RX 7800 XT", gpus.get(0).name());
        assertEquals(new Figure(17163091968L, Source.SYSFS_DRM), gpus.get(0).vramTotal());
        assertEquals(17_000_000_000L, gpus.get(0).usableVram());
    }

    @Test
    void appleSiliconSharesTheRam() {
        GpuInfo g = GpuSources.appleUnified("Apple M2", 16 * GIB);
        assertTrue(g.unifiedMemory());
        assertEquals(Source.UNIFIED_MEMORY, g.vramTotal().source());
        assertEquals(16 * GIB * 2 / 3, g.vramTotal().value());
        assertEquals(64 * GIB * 3 / 4, GpuSources.appleUnified("Apple M3 Max", 64 * GIB).vramTotal().value());
    }

    @Test
    void cpuFeatureLinesOfEachOsAreNormalized() {
        assertEquals(java.util.Set.of("AVX", "AVX2", "FMA", "F16C", "SSE4_2", "AVX512F"),
                HardwareProbe.features(List.of("flags: fpu sse4_2 avx avx2 fma f16c avx512f ht"), "amd64"));
        assertEquals(java.util.Set.of("AVX2"),
                HardwareProbe.features(List.of("hw.optional.avx2_0: 1", "hw.optional.avx512f: 0"), "x86_64"));
        assertTrue(HardwareProbe.features(List.of("Features: fp asimd evtstrm"), "aarch64").contains("NEON"));
        assertTrue(HardwareProbe.features(List.of("PF_AVX2_INSTRUCTIONS_AVAILABLE"), "amd64").contains("AVX2"));
    }

    @Test
    void tierFollowsTheGuideTable() {
        assertEquals(Tier.UNDER_3B, TierTable.tierOf(FitAdvisorTest.machine(8 * GIB, -1, false)));
        assertEquals(Tier.B3_TO_7, TierTable.tierOf(FitAdvisorTest.machine(15 * GIB, -1, false)));
        assertEquals(Tier.B7_TO_13, TierTable.tierOf(FitAdvisorTest.machine(31 * GIB, -1, false)));
        assertEquals(Tier.B3_TO_7, TierTable.tierOf(FitAdvisorTest.machine(8 * GIB, 6 * GIB, false)));
        assertEquals(Tier.B13_TO_30, TierTable.tierOf(FitAdvisorTest.machine(32 * GIB, 24 * GIB, false)));
        assertEquals(Tier.B30_TO_70_PLUS, TierTable.tierOf(FitAdvisorTest.machine(128 * GIB, -1, false)));
        // unified memory is RAM: it does not add a GPU tier
        assertEquals(Tier.UNDER_3B, TierTable.tierOf(FitAdvisorTest.machine(8 * GIB, 5 * GIB, true)));
    }

    @Test
    void adviceIsInBothLanguagesAndAlwaysStartsUnder4GB() {
        for (Tier t : Tier.values()) {
            long ram = new long[] {8, 16, 32, 64, 128}[t.ordinal()] * GIB;
            HardwareProfile p = FitAdvisorTest.machine(ram, -1, false);
            assertEquals(t, TierTable.tierOf(p));
            TierAdvice en = TierTable.advice(p, Locale.ENGLISH);
            TierAdvice fr = TierTable.advice(p, Locale.FRENCH);
            assertFalse(en.tasks().isEmpty());
            assertEquals(en.tasks().size(), fr.tasks().size());
            assertNotEquals(en.tryFirst(), fr.tryFirst());
            assertTrue(en.tryFirst().matches(".*about [0-3](\\.\\d)? GB.*"), en.tryFirst());
            // read without arguments, so no MessageFormat quote doubling may show
            assertFalse((fr.hardware() + fr.tryFirst() + fr.modelSizes()).contains("''"), fr.toString());
        }
    }

    @Test
    void bothLanguagesHaveTheSameKeys() {
        BundleParity.check(Messages.class, "org.terroir.hardware.internal.messages");
    }

    @Test
    void disksFreeIsMeasuredOnTheNearestExistingFolder(@TempDir Path dir) {
        Figure f = HardwareProbe.diskFree(dir.resolve("not/yet/models"));
        assertEquals(Source.JVM, f.source());
        assertTrue(f.value() > 0);
    }
}

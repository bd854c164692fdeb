package org.terroir.hardware.internal.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.energy.EnergyMeter;
import org.terroir.api.energy.EnergyTotal;
import org.terroir.api.energy.EnergyUse;
import org.terroir.testkit.i18n.BundleParity;

/** RAPL counters, /proc/stat and the ledger as files in a temporary sysfs-like tree; the real meter reads them. */
class EnergyTest {

    private static Path zone(Path root, String zone, String name, long uj, long max) throws IOException {
        Path dir = Files.createDirectories(root.resolve(zone));
        Files.writeString(dir.resolve("name"), name + "\n");
        Files.writeString(dir.resolve("energy_uj"), uj + "\n");
        Files.writeString(dir.resolve("max_energy_range_uj"), max + "\n");
        return dir;
    }

    private static void procStat(Path file, long busyTicks) throws IOException {
        // user nice system idle iowait irq softirq steal: busy = user + nice + system + irq + softirq + steal
        Files.writeString(file, "cpu  " + busyTicks + " 0 0 99999 50 0 0 0 0 0\ncpu0 1 2 3 4\n");
    }

    @Test
    void raplFindsPackageAndDramButNotCoreSubdomains(@TempDir Path root) throws IOException {
        zone(root, "intel-rapl:0", "package-0", 1000, 262143328850L);
        zone(root, "intel-rapl:0:0", "core", 500, 262143328850L);
        zone(root, "intel-rapl:0:1", "dram", 200, 65712999613L);
        // an Intel laptop's platform zone: the whole SoC, packages included; counting it would count them twice
        zone(root, "intel-rapl:1", "psys", 5000, 262143328850L);
        Rapl rapl = Rapl.discover(root);
        assertEquals(Rapl.State.READABLE, rapl.state());
        assertEquals(2, rapl.domains().size(), rapl.domains().toString());
        assertEquals(1200, rapl.snapshot()[0] + rapl.snapshot()[1]);
    }

    @Test
    void wrapAroundCountsUpToTheRangeThenFromZero() {
        assertEquals(300, Rapl.delta(100, 400, 1000));
        assertEquals(150, Rapl.delta(900, 50, 1000), "wrapped: 100 up to the range, then 50");
        assertEquals(50, Rapl.delta(900, 50, 0), "unknown range: only what is sure");
    }

    @Test
    void unreadableCountersAreRootOnlyAndTheMeterEstimatesAndSaysWhy(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("powercap");
        Path z = zone(root, "intel-rapl:0", "package-0", 1000, 1L << 32);
        Files.setPosixFilePermissions(z.resolve("energy_uj"), PosixFilePermissions.fromString("-w-------"));
        // As root every file is readable and the case cannot be built this way (CI runs as root: there
        // unreadableAtStartIsRootOnlyEvenWhenRunningAsRoot builds it with a directory instead).
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(z.resolve("energy_uj")),
                "running as root: a file cannot be made unreadable");
        Rapl rapl = Rapl.discover(root);
        assertEquals(Rapl.State.ROOT_ONLY, rapl.state());
        assertNull(rapl.snapshot());
        Path stat = dir.resolve("stat");
        procStat(stat, 1000);
        AtomicReference<Double> cpu = new AtomicReference<>(10.0);
        ProcessEnergyMeter meter = new ProcessEnergyMeter(rapl, new ProcStat(stat), GpuPower.NONE, CpuClass.LAPTOP,
                pid -> cpu.get(), new EnergyLedger(dir.resolve("ledger.tsv")), Clock.systemUTC());
        EnergyMeter.Window w = meter.open(OptionalLong.of(42));
        cpu.set(12.5);
        EnergyUse use = w.close();
        assertEquals(EnergyUse.Method.ESTIMATED, use.method());
        assertEquals(2.5 * CpuClass.LAPTOP.wattsPerCore, use.joules(), 1e-9);
        assertTrue(use.source().contains("root only"), use.source());
        assertTrue(use.source().contains("laptop"), use.source());
    }

    @Test
    void measuredEnergyIsThePackageEnergyTimesTheWorkersShareOfBusyCpu(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("powercap");
        Path pkg = zone(root, "intel-rapl:0", "package-0", 5_000_000, 262143328850L);
        Path dram = zone(root, "intel-rapl:0:1", "dram", 1_000_000, 65712999613L);
        Path stat = dir.resolve("stat");
        procStat(stat, 10_000);
        AtomicReference<Double> cpu = new AtomicReference<>(100.0);
        EnergyLedger ledger = new EnergyLedger(dir.resolve("home/energy/usage.tsv"));
        Clock day = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(root), new ProcStat(stat), GpuPower.NONE,
                CpuClass.DESKTOP, pid -> cpu.get(), ledger, day);
        EnergyMeter.Window w = meter.open(OptionalLong.of(42));
        // 4 s of machine busy time, 1 s of it the worker's; package +30 J, dram +10 J.
        procStat(stat, 10_400);
        cpu.set(101.0);
        Files.writeString(pkg.resolve("energy_uj"), "35000000\n");
        Files.writeString(dram.resolve("energy_uj"), "11000000\n");
        EnergyUse use = w.close();
        assertEquals(EnergyUse.Method.MEASURED, use.method());
        assertEquals(10.0, use.joules(), 1e-9, use.source());
        assertTrue(use.source().contains("25 %"), use.source());
        assertEquals(use, w.close(), "closing again gives the same value");
        EnergyTotal total = meter.total(LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 31));
        assertEquals(1, total.count(), "recorded once");
        assertEquals(10.0, total.joules(), 1e-6);
        assertEquals(10.0, total.measuredJoules(), 1e-6);
        assertEquals(EnergyTotal.NONE, meter.total(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("home/energy/usage.tsv"))));
    }

    @Test
    void answersAModelServesAtOnceShareItsWorkersTimeInsteadOfEachCountingAllOfIt(@TempDir Path dir)
            throws IOException {
        Path stat = dir.resolve("stat");
        procStat(stat, 1_000);
        AtomicReference<Double> cpu = new AtomicReference<>(100.0);
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(dir.resolve("no-powercap")), new ProcStat(stat),
                GpuPower.NONE, CpuClass.DESKTOP, pid -> cpu.get(), new EnergyLedger(dir.resolve("ledger.tsv")),
                Clock.systemUTC());
        double w = CpuClass.DESKTOP.wattsPerCore;
        EnergyMeter.Window a = meter.open(OptionalLong.of(42));
        cpu.set(102.0); // 2 s: a's alone
        EnergyMeter.Window b = meter.open(OptionalLong.of(42));
        EnergyMeter.Window other = meter.open(OptionalLong.of(7)); // another model's worker: not shared with it
        cpu.set(106.0); // 4 s of both: 2 s each
        EnergyUse first = a.close();
        cpu.set(107.0); // 1 s: b's alone
        EnergyUse second = b.close();
        assertEquals(4 * w, first.joules(), 1e-9, first.source());
        assertEquals(3 * w, second.joules(), 1e-9, second.source());
        assertEquals(7 * w, first.joules() + second.joules(), 1e-9, "the worker's 7 s, counted once");
        assertTrue(second.source().contains("shared"), second.source());
        assertEquals(EnergyUse.Method.ESTIMATED, second.method());
        assertEquals(5 * w, other.close().joules(), 1e-9, "pid 7 alone: its 5 s from its open (one counter here)");
    }

    @Test
    void aCounterThatWrapsDuringAnAnswerIsMeasuredThroughTheWrap(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("powercap");
        long range = 262_143_328_850L;
        Path pkg = zone(root, "intel-rapl:0", "package-0", range - 2_000_000, range);
        Path stat = dir.resolve("stat");
        procStat(stat, 5_000);
        AtomicReference<Double> cpu = new AtomicReference<>(3.0);
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(root), new ProcStat(stat), GpuPower.NONE,
                CpuClass.DESKTOP, pid -> cpu.get(), new EnergyLedger(dir.resolve("ledger.tsv")), Clock.systemUTC());
        EnergyMeter.Window w = meter.open(OptionalLong.of(7));
        // 2 J up to the range, then 6 J after zero; the worker had all of the 2 s of busy time.
        Files.writeString(pkg.resolve("energy_uj"), "6000000\n");
        procStat(stat, 5_200);
        cpu.set(5.0);
        EnergyUse use = w.close();
        assertEquals(EnergyUse.Method.MEASURED, use.method());
        assertEquals(8.0, use.joules(), 1e-9, use.source());
    }

    @Test
    void aCounterThatBecomesUnreadableGivesAnEstimateNotAnError(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("powercap");
        Path pkg = zone(root, "intel-rapl:0", "package-0", 1_000_000, 1L << 40);
        Path stat = dir.resolve("stat");
        procStat(stat, 1_000);
        AtomicReference<Double> cpu = new AtomicReference<>(1.0);
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(root), new ProcStat(stat), GpuPower.NONE,
                CpuClass.SERVER, pid -> cpu.get(), new EnergyLedger(dir.resolve("ledger.tsv")), Clock.systemUTC());
        EnergyMeter.Window w = meter.open(OptionalLong.of(7));
        // The counter file is replaced by something that is not a number (a driver unloaded, a permission change
        // through a directory as root cannot be made unreadable): the window falls back to the CPU-time estimate.
        Files.writeString(pkg.resolve("energy_uj"), "not a counter\n");
        procStat(stat, 1_300);
        cpu.set(3.0);
        EnergyUse use = w.close();
        assertEquals(EnergyUse.Method.ESTIMATED, use.method());
        assertEquals(2.0 * CpuClass.SERVER.wattsPerCore, use.joules(), 1e-9, use.source());
        assertTrue(use.source().contains("server class"), use.source());
    }

    @Test
    void unreadableAtStartIsRootOnlyEvenWhenRunningAsRoot(@TempDir Path dir) throws IOException {
        // A counter that exists but cannot be read as a number is what an unprivileged user meets on recent
        // kernels (EACCES); as root a file cannot be made unreadable, so a directory in its place stands for it.
        Path root = dir.resolve("powercap");
        Path z = zone(root, "intel-rapl:0", "package-0", 1, 1L << 32);
        Files.delete(z.resolve("energy_uj"));
        Files.createDirectory(z.resolve("energy_uj"));
        Rapl rapl = Rapl.discover(root);
        assertEquals(Rapl.State.ROOT_ONLY, rapl.state());
        assertNull(rapl.snapshot());
    }

    @Test
    void processesSharingTheMachineShareItsMeasuredEnergy(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("powercap");
        Path pkg = zone(root, "intel-rapl:0", "package-0", 0, 1L << 40);
        Path stat = dir.resolve("stat");
        procStat(stat, 0);
        java.util.Map<Long, Double> cpu = new java.util.concurrent.ConcurrentHashMap<>(java.util.Map.of(1L, 0.0,
                2L, 0.0));
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(root), new ProcStat(stat), GpuPower.NONE,
                CpuClass.DESKTOP, cpu::get, new EnergyLedger(dir.resolve("ledger.tsv")), Clock.systemUTC());
        EnergyMeter.Window first = meter.open(OptionalLong.of(1));
        EnergyMeter.Window second = meter.open(OptionalLong.of(2));
        // Two workers answer at once for 4 s of machine busy time: 3 s of the first, 1 s of the second; 80 J.
        cpu.put(1L, 3.0);
        cpu.put(2L, 1.0);
        procStat(stat, 400);
        Files.writeString(pkg.resolve("energy_uj"), "80000000\n");
        EnergyUse a = first.close();
        EnergyUse b = second.close();
        assertEquals(60.0, a.joules(), 1e-9, a.source());
        assertEquals(20.0, b.joules(), 1e-9, b.source());
        assertEquals(80.0, a.joules() + b.joules(), 1e-9, "nothing counted twice, nothing lost");
        assertEquals(80.0, meter.total(LocalDate.now(), LocalDate.now()).joules(), 1e-6);
    }

    @Test
    void theGpuPartIsAddedAndSaid(@TempDir Path dir) throws IOException {
        AtomicReference<Double> gpuJoules = new AtomicReference<>(100.0);
        java.util.concurrent.atomic.AtomicInteger demand = new java.util.concurrent.atomic.AtomicInteger();
        GpuPower gpu = new GpuPower() {
            @Override
            public double joules() {
                return gpuJoules.get();
            }

            @Override
            public void demand(boolean on) {
                demand.addAndGet(on ? 1 : -1);
            }

            @Override
            public String source() {
                return "test GPU";
            }
        };
        Path stat = dir.resolve("stat");
        procStat(stat, 0);
        AtomicReference<Double> cpu = new AtomicReference<>(0.0);
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(dir.resolve("none")), new ProcStat(stat), gpu,
                CpuClass.LAPTOP, pid -> cpu.get(), new EnergyLedger(dir.resolve("ledger.tsv")), Clock.systemUTC());
        EnergyMeter.Window w = meter.open(OptionalLong.of(9));
        assertEquals(1, demand.get(), "sampling asked for while the window is open");
        cpu.set(0.5);
        gpuJoules.set(130.0);
        EnergyUse use = w.close();
        assertEquals(0, demand.get(), "and let go when it closes");
        assertEquals(0.5 * CpuClass.LAPTOP.wattsPerCore + 30.0, use.joules(), 1e-9);
        assertEquals(EnergyUse.Method.ESTIMATED, use.method(), "the CPU part is still an estimate");
        assertTrue(use.source().contains("test GPU"), use.source());
    }

    @Test
    void anUnknownProcessCpuTimeCostsNothingRatherThanAGuess(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        procStat(stat, 0);
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(dir.resolve("none")), new ProcStat(stat),
                GpuPower.NONE, CpuClass.DESKTOP, pid -> -1.0, new EnergyLedger(dir.resolve("ledger.tsv")),
                Clock.systemUTC());
        EnergyUse use = meter.open(OptionalLong.of(Long.MAX_VALUE)).close();
        assertEquals(0.0, use.joules(), 1e-12);
        assertEquals(EnergyUse.Method.ESTIMATED, use.method());
    }

    @Test
    void shareIsBoundedAndZeroWithoutBusyTime() {
        assertEquals(0.25, Attribution.share(1, 4), 1e-12);
        assertEquals(1.0, Attribution.share(5, 4), 1e-12, "never more than the machine");
        assertEquals(0.0, Attribution.share(1, 0), 1e-12);
        assertEquals(0.0, Attribution.share(-1, 4), 1e-12);
    }

    @Test
    void estimateWithTheRealMeterOfThisProcessGrowsWithWork(@TempDir Path dir) {
        ProcessEnergyMeter meter = new ProcessEnergyMeter(Rapl.discover(dir.resolve("none")), new ProcStat(Path.of(
                "/proc/stat")), GpuPower.NONE, CpuClass.DESKTOP, ProcessEnergyMeter::processCpu,
                new EnergyLedger(dir.resolve("ledger.tsv")), Clock.systemUTC());
        EnergyMeter.Window w = meter.open(OptionalLong.empty());
        long x = 0;
        for (long i = 0; i < 200_000_000L; i++) {
            x += i ^ (x >>> 3);
        }
        EnergyUse use = w.close();
        assertTrue(x != 1);
        assertEquals(EnergyUse.Method.ESTIMATED, use.method());
        assertTrue(use.joules() > 0, "busy CPU time costs energy: " + use);
    }

    @Test
    void ledgerSkipsDamagedLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("usage.tsv");
        EnergyLedger ledger = new EnergyLedger(file);
        ledger.record(LocalDate.of(2026, 12, 2), new EnergyUse(3.5, EnergyUse.Method.ESTIMATED, "x"));
        Files.writeString(file, "2026-12-02\t1.0", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(file, "\nnot a date\t1\tMEASURED\n", java.nio.file.StandardOpenOption.APPEND);
        ledger.record(LocalDate.of(2026, 12, 3), new EnergyUse(1.5, EnergyUse.Method.MEASURED, "x"));
        EnergyTotal t = ledger.total(LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 31));
        assertEquals(2, t.count());
        assertEquals(5.0, t.joules(), 1e-9);
        assertEquals(1.5, t.measuredJoules(), 1e-9);
    }

    @Test
    void dailyTotalsForAChartOfDaysAndMonths(@TempDir Path dir) {
        EnergyLedger ledger = new EnergyLedger(dir.resolve("usage.tsv"));
        ledger.record(LocalDate.of(2026, 11, 30), new EnergyUse(7, EnergyUse.Method.ESTIMATED, "x"));
        ledger.record(LocalDate.of(2026, 12, 1), new EnergyUse(1, EnergyUse.Method.MEASURED, "x"));
        ledger.record(LocalDate.of(2026, 12, 1), new EnergyUse(2, EnergyUse.Method.ESTIMATED, "x"));
        ledger.record(LocalDate.of(2026, 12, 3), new EnergyUse(4, EnergyUse.Method.ESTIMATED, "x"));
        java.util.SortedMap<LocalDate, EnergyTotal> days = ledger.daily(LocalDate.of(2026, 12, 1),
                LocalDate.of(2026, 12, 31));
        assertEquals(java.util.List.of(LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 3)),
                java.util.List.copyOf(days.keySet()), "only days with energy, in order, within the range");
        assertEquals(new EnergyTotal(3, 1, 2), days.get(LocalDate.of(2026, 12, 1)));
        assertEquals(new EnergyTotal(4, 0, 1), days.get(LocalDate.of(2026, 12, 3)));
        assertEquals(new EnergyTotal(7, 1, 3), ledger.total(LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 31)));
        assertEquals(new EnergyTotal(14, 1, 4), ledger.total(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31)));
    }

    @Test
    void nvidiaSmiCsvCountsOnlyBusyGpus() {
        assertEquals(71.5, NvidiaSmi.busyWatts("71.5, 40\n30.1, 0\n[N/A], 12\n"), 1e-9);
        assertEquals(0, NvidiaSmi.busyWatts("garbage"), 1e-9);
    }

    @Test
    void cpuClassDetection(@TempDir Path dir) throws IOException {
        assertEquals(CpuClass.APPLE, CpuClass.detect("Mac OS X", "aarch64", "", 10, null));
        assertEquals(CpuClass.SERVER, CpuClass.detect("Linux", "amd64", "AMD EPYC 7763", 16, null));
        assertEquals(CpuClass.SERVER, CpuClass.detect("Linux", "amd64", "Some CPU", 64, null));
        assertEquals(CpuClass.DESKTOP, CpuClass.detect("Linux", "amd64", "AMD Ryzen 7 5800X", 16, dir));
        Path bat = Files.createDirectories(dir.resolve("BAT0"));
        Files.writeString(bat.resolve("type"), "Battery\n");
        assertEquals(CpuClass.LAPTOP, CpuClass.detect("Linux", "amd64", "Intel Core i7-1260P", 16, dir));
    }

    @Test
    void messagesHaveBothLanguages() {
        BundleParity.check(GridCarbonCalculator.class, "org.terroir.hardware.internal.energy.messages");
    }
}

package org.terroir.hardware.internal.energy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.function.LongFunction;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.terroir.api.TerroirHome;
import org.terroir.api.energy.EnergyMeter;
import org.terroir.api.energy.EnergyTotal;
import org.terroir.api.energy.EnergyUse;

/** The energy meter: RAPL and nvidia-smi where they can be read, an estimate from CPU time otherwise. */
@Component(service = EnergyMeter.class)
public final class ProcessEnergyMeter implements EnergyMeter {
    private final Rapl rapl;
    private final ProcStat procStat;
    private final GpuPower gpu;
    private final Attribution attribution;
    private final LongFunction<Double> processCpuSeconds;
    private final EnergyLedger ledger;
    private final Clock clock;

    @Activate
    public ProcessEnergyMeter() {
        this(Rapl.discover(Path.of("/sys/class/powercap")), new ProcStat(Path.of("/proc/stat")),
                NvidiaSmi.find().<GpuPower>map(g -> g).orElse(GpuPower.NONE),
                CpuClass.detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                        CpuClass.cpuName(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                        Path.of("/sys/class/power_supply")),
                ProcessEnergyMeter::processCpu, new EnergyLedger(TerroirHome.data().resolve("energy").resolve("usage.tsv")),
                Clock.systemDefaultZone());
    }

    ProcessEnergyMeter(Rapl rapl, ProcStat procStat, GpuPower gpu, CpuClass cpuClass,
            LongFunction<Double> processCpuSeconds, EnergyLedger ledger, Clock clock) {
        this.rapl = rapl;
        this.procStat = procStat;
        this.gpu = gpu;
        this.attribution = new Attribution(rapl, cpuClass, gpu.source());
        this.processCpuSeconds = processCpuSeconds;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Deactivate
    void deactivate() {
        if (gpu instanceof NvidiaSmi n) {
            n.close();
        }
    }

    /** A process's CPU seconds so far (user + system), or -1 when the system does not say. */
    static Double processCpu(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
                .map(d -> d.toNanos() / 1e9).orElse(-1.0);
    }

    @Override
    public Window open(OptionalLong processId) {
        long pid = processId.orElse(ProcessHandle.current().pid());
        gpu.demand(true);
        Attribution.Reading before = read(pid);
        return new Window() {
            private EnergyUse result;

            @Override
            public synchronized EnergyUse close() {
                if (result == null) {
                    try {
                        result = attribution.between(before, read(pid));
                    } finally {
                        gpu.demand(false);
                    }
                    ledger.record(LocalDate.now(clock), result);
                }
                return result;
            }
        };
    }

    @Override
    public EnergyTotal total(LocalDate from, LocalDate to) {
        return ledger.total(from, to);
    }

    @Override
    public SortedMap<LocalDate, EnergyTotal> daily(LocalDate from, LocalDate to) {
        return ledger.daily(from, to);
    }

    private Attribution.Reading read(long pid) {
        double cpu = processCpuSeconds.apply(pid);
        return new Attribution.Reading(rapl.snapshot(), procStat.busySeconds(), cpu, gpu.joules());
    }
}

package org.terroir.hardware.internal.energy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The answers of one process (a model's worker) open now, and the reading their time was last split at. Answers
     * a model serves at once (its parallel sequences) share the worker's CPU time: each interval between two of their
     * opens and closes is split evenly among the answers open in it, so that none is charged the others' work.
     */
    private static final class Shared {
        Attribution.Reading last;
        final List<Share> open = new ArrayList<>();
    }

    /** One answer's part so far. */
    private static final class Share {
        double joules;
        boolean estimated;
        boolean shared;
        String source = "";
        EnergyUse result;

        void add(EnergyUse part, int among) {
            joules += part.joules() / among;
            estimated |= part.method() == EnergyUse.Method.ESTIMATED;
            shared |= among > 1;
            source = part.source();
        }

        EnergyUse use() {
            return new EnergyUse(joules, estimated ? EnergyUse.Method.ESTIMATED : EnergyUse.Method.MEASURED,
                    shared ? source + "; shared with the model's other answers of the time" : source);
        }
    }

    private final Map<Long, Shared> shared = new HashMap<>(); // guarded by this

    @Override
    public Window open(OptionalLong processId) {
        long pid = processId.orElse(ProcessHandle.current().pid());
        gpu.demand(true);
        Share me = new Share();
        synchronized (this) {
            Shared s = shared.computeIfAbsent(pid, k -> new Shared());
            advance(s, read(pid));
            s.open.add(me);
        }
        return new Window() {
            @Override
            public EnergyUse close() {
                EnergyUse result;
                synchronized (ProcessEnergyMeter.this) {
                    if (me.result != null) {
                        return me.result;
                    }
                    try {
                        Shared s = shared.get(pid);
                        advance(s, read(pid));
                        s.open.remove(me);
                        if (s.open.isEmpty()) {
                            shared.remove(pid);
                        }
                    } finally {
                        gpu.demand(false);
                    }
                    result = me.result = me.use();
                }
                ledger.record(LocalDate.now(clock), result);
                return result;
            }
        };
    }

    /** Splits the energy since the last reading of {@code s} among its open answers; {@code now} becomes the last. */
    private void advance(Shared s, Attribution.Reading now) {
        if (s.last != null && !s.open.isEmpty()) {
            EnergyUse part = attribution.between(s.last, now);
            for (Share open : s.open) {
                open.add(part, s.open.size());
            }
        }
        s.last = now;
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

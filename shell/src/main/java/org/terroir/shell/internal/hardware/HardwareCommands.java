package org.terroir.shell.internal.hardware;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.TerroirException;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.Figure;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.api.hardware.MemorySplit;
import org.terroir.api.hardware.TierAdvice;
import org.terroir.api.i18n.Texts;

/** {@code hw}: what this machine has and can run; {@code fit}: whether a model file fits it. */
@Component(service = HardwareCommands.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=hw", "osgi.command.function=fit"})
public class HardwareCommands {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.hardware.messages", HardwareCommands.class);

    @Reference
    HardwareAdvisor advisor;

    @Descriptor("show this machine: CPU, memory, GPUs, free disk (with where each figure came from), its tier and "
            + "what to try first")
    public void hw(CommandSession session,
            @Descriptor("probe again instead of using the cached profile")
            @Parameter(names = {"--refresh"}, presentValue = "true", absentValue = "false") boolean refresh) {
        print(session.getConsole(), refresh);
    }

    void print(PrintStream out, boolean refresh) {
        HardwareProfile p = refresh ? advisor.reprobe() : advisor.profile();
        out.println(TEXTS.get("hw.title"));
        out.println(TEXTS.get("hw.os", p.os()));
        out.println(TEXTS.get("hw.cpu", p.cpuModel(), count(p.physicalCores()), count(p.logicalCores())));
        out.println(TEXTS.get("hw.simd", p.cpuFeatures().isEmpty() ? TEXTS.get("hw.none")
                : String.join(" ", new java.util.TreeSet<>(p.cpuFeatures()))));
        out.println(TEXTS.get("hw.ram", bytes(p.ramTotal()), bytes(p.ramAvailable())));
        out.println(p.memoryLimit().known() ? TEXTS.get("hw.limit", bytes(p.memoryLimit()))
                : TEXTS.get("hw.limit.none"));
        if (p.gpus().isEmpty()) {
            out.println(TEXTS.get("hw.gpu.none"));
        }
        for (GpuInfo g : p.gpus()) {
            String free = g.vramFree().known() ? TEXTS.get("hw.gpu.free", bytes(g.vramFree())) : "";
            out.println(TEXTS.get(g.unifiedMemory() ? "hw.gpu.unified" : "hw.gpu", g.name(), bytes(g.vramTotal()),
                    free));
        }
        out.println(TEXTS.get("hw.disk", bytes(p.diskFree()), p.modelsDir()));
        TierAdvice a = advisor.advice(Texts.locale());
        out.println();
        out.println(TEXTS.get("hw.tier", a.modelSizes(), a.hardware()));
        out.println("  " + a.why());
        out.println(TEXTS.get("hw.tasks", String.join(", ", a.tasks())));
        out.println(TEXTS.get("hw.tryFirst", a.tryFirst()));
    }

    @Descriptor("estimate the memory a GGUF model needs on this machine (weights, K/V cache, compute, overhead; RAM "
            + "and GPU) and say whether and how it fits")
    public void fit(CommandSession session,
            @Descriptor("context length in tokens (default: the model's, at most 4096)")
            @Parameter(names = {"--ctx"}, absentValue = "0") int ctx,
            @Descriptor("layers on the GPU (-1: all; default: as many as fit)")
            @Parameter(names = {"--gpu-layers"}, absentValue = "-2") int gpuLayers,
            @Descriptor("K/V cache type: f16 (default), q8_0, q4_0, f32, bf16, q4_1, q5_0, q5_1, iq4_nl")
            @Parameter(names = {"--kv-type"}, absentValue = "f16") String kvType,
            @Descriptor("the file will be read into memory instead of mapped")
            @Parameter(names = {"--no-mmap"}, presentValue = "true", absentValue = "false") boolean noMmap,
            @Descriptor("flash attention on")
            @Parameter(names = {"--flash-attn"}, presentValue = "true", absentValue = "false") boolean flash,
            @Descriptor("a .gguf file (absolute, relative, or under TERROIR_HOME/models)") String file) {
        if (ctx < 0 || gpuLayers < -2) {
            throw new TerroirException("fit.options", TEXTS.get("fit.options"));
        }
        EstimateOptions o = new EstimateOptions(ctx > 0 ? ctx : null, gpuLayers >= -1 ? gpuLayers : null, kvType,
                null, !noMmap, flash);
        print(session.getConsole(), resolve(file), o);
    }

    void print(PrintStream out, Path file, EstimateOptions options) {
        Fit fit = advisor.fit(file, options);
        MemoryEstimate e = fit.estimate();
        out.println(TEXTS.get("fit.model", file.getFileName(), e.layerCount(), e.parameters() / 1e9,
                e.contextLength(), e.kvCacheType()));
        out.printf("  %-14s %12s %12s%n", "", TEXTS.get("fit.col.ram"), TEXTS.get("fit.col.vram"));
        row(out, "fit.row.weights", e.weights());
        row(out, "fit.row.kv", e.kvCache());
        row(out, "fit.row.compute", e.compute());
        row(out, "fit.row.overhead", e.overhead());
        row(out, "fit.row.total", new MemorySplit(e.ram(), e.vram()));
        out.println(TEXTS.get("fit.verdict", TEXTS.get("verdict." + fit.verdict()), fit.gpuLayers(),
                e.layerCount() + 1));
        out.println("  " + fit.reason());
        List<String> warnings = e.warnings();
        for (String w : warnings) {
            out.println(TEXTS.get("fit.warning", w));
        }
    }

    private static void row(PrintStream out, String key, MemorySplit s) {
        out.printf("  %-14s %12s %12s%n", TEXTS.get(key), human(s.ram()), s.vram() == 0 ? "-" : human(s.vram()));
    }

    /** A path as given, else under TERROIR_HOME/models (where the catalog puts downloads). */
    static Path resolve(String name) {
        Path p = Path.of(name);
        if (Files.exists(p)) {
            return p;
        }
        Path inModels = org.terroir.api.TerroirHome.models().resolve(name);
        if (Files.exists(inModels)) {
            return inModels;
        }
        throw new TerroirException("fit.notFound", TEXTS.get("fit.notFound", name));
    }

    private static String count(Figure f) {
        return f.known() ? f.value() + " " + source(f) : "?";
    }

    private static String bytes(Figure f) {
        return f.known() ? human(f.value()) + " " + source(f) : TEXTS.get("hw.unknown");
    }

    private static String source(Figure f) {
        return "[" + TEXTS.get("source." + f.source()) + "]";
    }

    /** Binary units, as operating systems show memory. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes / 1024.0;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Texts.locale(), v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}

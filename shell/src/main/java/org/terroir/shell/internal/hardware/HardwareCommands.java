package org.terroir.shell.internal.hardware;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.ModelKind;
import org.terroir.api.catalog.SearchQuery;
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
import org.terroir.shell.internal.Sizes;

/** {@code hw}: what this machine has and can run; {@code fit}: whether a model file fits it. */
@Component(service = HardwareCommands.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=hw", "osgi.command.function=fit"})
public class HardwareCommands {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.hardware.messages", HardwareCommands.class);

    @Reference
    HardwareAdvisor advisor;

    /** The embedded starter list (offline): what hw proposes to pull first. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(" + ModelCatalog.CATALOG_ID + "=starter)")
    volatile ModelCatalog starter;

    @Descriptor("show this machine in plain words: memory, processor, graphics card, free disk, the model sizes it "
            + "can run and the pull commands of models to try first")
    public void hw(CommandSession session,
            @Descriptor("probe again instead of using the cached profile")
            @Parameter(names = {"--refresh"}, presentValue = "true", absentValue = "false") boolean refresh,
            @Descriptor("the technical figures: where each one came from, instruction sets, container limit")
            @Parameter(names = {"--details"}, presentValue = "true", absentValue = "false") boolean details) {
        if (details) {
            print(session.getConsole(), refresh);
        } else {
            plain(session.getConsole(), refresh);
        }
    }

    /** What a person needs: the figures in words and decimal units, the tier, and commands to copy. */
    void plain(PrintStream out, boolean refresh) {
        HardwareProfile p = refresh ? advisor.reprobe() : advisor.profile();
        out.println(TEXTS.get("plain.title"));
        long ramTotal = p.ramTotal().known() ? p.ramTotal().value() : -1;
        long limit = p.memoryLimit().known() ? p.memoryLimit().value() : -1;
        long usable = limit > 0 && (ramTotal < 0 || limit < ramTotal) ? limit : ramTotal;
        if (usable < 0) {
            out.println(TEXTS.get("plain.ram.unknown"));
        } else if (p.ramAvailable().known()) {
            out.println(TEXTS.get(usable == limit ? "plain.ram.limited" : "plain.ram", Sizes.human(usable),
                    Sizes.human(Math.min(usable, p.ramAvailable().value()))));
        } else {
            out.println(TEXTS.get("plain.ram.total", Sizes.human(usable)));
        }
        out.println(TEXTS.get("plain.cpu", p.cpuModel(), p.physicalCores().known() ? p.physicalCores().value() : "?"));
        if (p.gpus().isEmpty()) {
            out.println(TEXTS.get("plain.gpu.none"));
        }
        for (GpuInfo g : p.gpus()) {
            String memory = g.vramTotal().known() ? Sizes.human(g.vramTotal().value()) : TEXTS.get("hw.unknown");
            out.println(TEXTS.get(g.unifiedMemory() ? "plain.gpu.unified" : "plain.gpu", g.name(), memory));
        }
        out.println(p.diskFree().known() ? TEXTS.get("plain.disk", Sizes.human(p.diskFree().value()), p.modelsDir())
                : TEXTS.get("plain.disk.unknown", p.modelsDir()));
        TierAdvice a = advisor.advice(Texts.locale());
        out.println();
        out.println(TEXTS.get("plain.tier", a.modelSizes(), a.hardware()));
        out.println(TEXTS.get("plain.tasks", String.join(", ", a.tasks())));
        List<String[]> picks = picks(p);
        out.println();
        if (picks.isEmpty()) {
            out.println(TEXTS.get("plain.try.text", a.tryFirst()));
            out.println(TEXTS.get("plain.try.search"));
        } else {
            out.println(TEXTS.get("plain.try"));
            int width = picks.stream().mapToInt(x -> x[0].length()).max().orElse(0);
            for (String[] pick : picks) {
                out.println("  " + pick[0] + " ".repeat(width - pick[0].length()) + "   " + pick[1]);
            }
            out.println(TEXTS.get("plain.try.next"));
        }
        out.println(TEXTS.get("plain.details"));
    }

    /**
     * Up to three chat models of the starter list that fit this machine, lightest first, each as the pull command to
     * type and its size; none when the starter list is absent (hw then shows the tier's advice as text).
     */
    private List<String[]> picks(HardwareProfile p) {
        ModelCatalog catalog = starter;
        if (catalog == null) {
            return List.of();
        }
        List<CatalogEntry> entries;
        try {
            entries = new ArrayList<>(catalog.search(new SearchQuery("", null, 100, null, true)).entries());
        } catch (RuntimeException e) {
            return List.of();
        }
        long disk = p.diskFree().known() ? p.diskFree().value() : Long.MAX_VALUE;
        List<String[]> picks = new ArrayList<>();
        entries.stream().filter(e -> e.kind() == ModelKind.CHAT && e.fit() == FitBadge.FITS)
                .map(e -> Map.entry(e, e.file(e.recommendedFile() == null ? "" : e.recommendedFile()).orElse(null)))
                .filter(x -> x.getValue() != null && x.getValue().sizeBytes() > 0 && x.getValue().sizeBytes() < disk)
                .sorted(Comparator.comparingLong(x -> x.getValue().sizeBytes()))
                .limit(3)
                .forEach(x -> {
                    ModelFile f = x.getValue();
                    String ref = f.quantization() == null ? x.getKey().repo() + "/" + f.name()
                            : x.getKey().repo() + ":" + f.quantization();
                    picks.add(new String[] {"pull " + ref, TEXTS.get("plain.try.size", Sizes.human(f.sizeBytes()))});
                });
        return picks;
    }

    /** The technical view ({@code hw --details}): every figure with where it came from. */
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
            @Descriptor("a .gguf file, an .onnx file or an ONNX model folder (absolute, relative, or under TERROIR_HOME/models)") String file) {
        if (ctx < 0 || gpuLayers < -2) {
            throw new TerroirException("fit.options", TEXTS.get("fit.options"));
        }
        EstimateOptions o = new EstimateOptions(ctx > 0 ? ctx : null, gpuLayers >= -1 ? gpuLayers : null, kvType,
                null, !noMmap, flash);
        // the advisor's profile knows the library's folder (which a user may choose)
        print(session.getConsole(), resolve(file, advisor.profile().modelsDir()), o);
    }

    void print(PrintStream out, Path file, EstimateOptions options) {
        Fit fit = advisor.fit(file, options);
        MemoryEstimate e = fit.estimate();
        if (e.layerCount() == 0 && e.kvCacheType().isEmpty()) {
            out.println(TEXTS.get("fit.model.onnx", file.getFileName(), human(e.weights().total())));
        } else {
            out.println(TEXTS.get("fit.model", file.getFileName(), e.layerCount(), e.parameters() / 1e9,
                    e.contextLength(), e.kvCacheType()));
        }
        out.printf("  %-14s %12s %12s%n", "", TEXTS.get("fit.col.ram"), TEXTS.get("fit.col.vram"));
        row(out, "fit.row.weights", e.weights());
        row(out, "fit.row.kv", e.kvCache());
        row(out, "fit.row.compute", e.compute());
        row(out, "fit.row.overhead", e.overhead());
        row(out, "fit.row.total", new MemorySplit(e.ram(), e.vram()));
        if (e.layerCount() > 0) {
            out.println(TEXTS.get("fit.verdict", TEXTS.get("verdict." + fit.verdict()), fit.gpuLayers(),
                    e.layerCount() + 1));
        } else {
            out.println(TEXTS.get("fit.verdict.onnx", TEXTS.get("verdict." + fit.verdict())));
        }
        out.println("  " + fit.reason());
        List<String> warnings = e.warnings();
        for (String w : warnings) {
            out.println(TEXTS.get("fit.warning", w));
        }
    }

    private static void row(PrintStream out, String key, MemorySplit s) {
        out.printf("  %-14s %12s %12s%n", TEXTS.get(key), human(s.ram()), s.vram() == 0 ? "-" : human(s.vram()));
    }

    /** A path as given, else in the library's folder (where the catalog puts downloads). */
    static Path resolve(String name, Path models) {
        Path p = Path.of(name);
        if (Files.exists(p)) {
            return p;
        }
        Path inModels = models.resolve(name);
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

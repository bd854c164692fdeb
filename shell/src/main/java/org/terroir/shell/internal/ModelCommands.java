package org.terroir.shell.internal;

import static org.terroir.shell.internal.ShellTexts.TEXTS;

import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.BackendInfo;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.Sampling;
import org.terroir.gguf.GgufFile;
import org.terroir.gguf.GgufReader;

/** The commands to load models and talk to them: backends, inspect, load, ps, unload, ask. */
@Component(service = ModelCommands.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=backends", "osgi.command.function=inspect", "osgi.command.function=load",
        "osgi.command.function=ps", "osgi.command.function=unload", "osgi.command.function=ask",
        "osgi.command.function=embed"})
public class ModelCommands {
    /** Every backend, to say which can load a model (and when none can). */
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    volatile List<org.terroir.api.inference.InferenceBackend> inferenceBackends = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The CO2e of an answer's energy, when the hardware bundle offers it. */
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    volatile org.terroir.api.energy.CarbonCalculator carbon;

    @Reference
    private ModelManager models;

    @Descriptor("list the inference backends running now (llama.cpp, ONNX Runtime, plugins)")
    public void backends(CommandSession session) {
        PrintStream out = session.getConsole();
        List<BackendInfo> backends = models.backends();
        if (backends.isEmpty()) {
            out.println(TEXTS.get("backends.none"));
            return;
        }
        out.println(TEXTS.get("backends.header"));
        for (BackendInfo b : backends) {
            out.printf("  %-17s %-26s %-10s %7d %7d%n", b.id(), b.displayName(),
                    b.formats().stream().map(Object::toString).sorted().collect(Collectors.joining(",")),
                    b.ranking(), b.loadedModels());
        }
    }

    @Descriptor("show what a model file holds: architecture, parameters, quantisation, context, size, chat template")
    public void inspect(CommandSession session, @Descriptor("a .gguf file, an ONNX folder or a library name") String model) {
        PrintStream out = session.getConsole();
        ModelDescriptor d = models.describe(model);
        List<String> engines = inferenceBackends.stream().filter(b -> b.supports(d))
                .map(b -> b.id() + " (" + b.displayName() + ")").toList();
        out.println(TEXTS.get("inspect.file", d.path()));
        out.println(TEXTS.get("inspect.format", d.format()));
        out.println(TEXTS.get("inspect.size", Sizes.human(d.sizeBytes())));
        line(out, "inspect.architecture", d.property(ModelDescriptor.ARCHITECTURE));
        String params = d.property(ModelDescriptor.PARAMETERS);
        if (params != null) {
            out.println(TEXTS.get("inspect.parameters", Sizes.count(Long.parseLong(params)), params));
        }
        line(out, "inspect.quantization", d.property(ModelDescriptor.QUANTIZATION));
        line(out, "inspect.context", d.property(ModelDescriptor.CONTEXT_LENGTH));
        line(out, "inspect.layers", d.property(ModelDescriptor.LAYERS));
        line(out, "inspect.embedding", d.property(ModelDescriptor.EMBEDDING_LENGTH));
        if (d.format().id().equals("gguf") && Files.isRegularFile(d.path())) {
            GgufFile gguf = GgufReader.read(d.path());
            out.println(TEXTS.get("inspect.gguf", gguf.version(), gguf.tensors().size(), gguf.metadata().size(),
                    gguf.vocabSize()));
            line(out, "inspect.name", gguf.name().orElse(null));
            out.println(TEXTS.get(gguf.chatTemplate().isPresent() ? "inspect.template.yes" : "inspect.template.no"));
        } else {
            String template = d.property(ModelDescriptor.CHAT_TEMPLATE);
            if (template != null) {
                out.println(TEXTS.get(Boolean.parseBoolean(template) ? "inspect.template.yes" : "inspect.template.no"));
            }
        }
        out.println(engines.isEmpty()
                ? TEXTS.get("inspect.engines.none", String.valueOf(d.property(ModelDescriptor.ARCHITECTURE)))
                : TEXTS.get("inspect.engines", String.join(", ", engines)));
    }

    private static void line(PrintStream out, String key, String value) {
        if (value != null) {
            out.println(TEXTS.get(key, value));
        }
    }

    /**
     * A library name ({@code owner/repo:quant}) that names no file here and is not in the library: say what to do
     * next ({@code pull} it, or {@code models} to list), instead of "no model found at". Other errors unchanged.
     */
    static TerroirException notDownloaded(String model, TerroirException e) {
        if (e.kind() == org.terroir.api.ErrorKind.NOT_FOUND && model != null
                && model.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?")
                && !java.nio.file.Files.exists(java.nio.file.Path.of(model))) {
            return new TerroirException(org.terroir.api.ErrorKind.NOT_FOUND, "load.notDownloaded",
                    TEXTS.get("load.notDownloaded", model), e);
        }
        return e;
    }

    @Descriptor("load a model so that ask, chat and the API can use it")
    public void load(CommandSession session,
            @Descriptor("context window in tokens (default: configured, capped by the model)")
            @Parameter(names = {"--ctx"}, absentValue = "0") int ctx,
            @Descriptor("CPU threads (default: physical cores)")
            @Parameter(names = {"--threads"}, absentValue = "0") int threads,
            @Descriptor("prompt batch size") @Parameter(names = {"--batch"}, absentValue = "0") int batch,
            @Descriptor("layers to put on the GPU (-1: all)")
            @Parameter(names = {"--gpu-layers"}, absentValue = "-2") int gpuLayers,
            @Descriptor("read the file into memory instead of mapping it")
            @Parameter(names = {"--no-mmap"}, presentValue = "true", absentValue = "false") boolean noMmap,
            @Descriptor("load for embeddings")
            @Parameter(names = {"--embeddings"}, presentValue = "true", absentValue = "false") boolean embeddings,
            @Descriptor("a .gguf file, an ONNX folder or a library name (owner/repo:quant)") String model) {
        LoadOptions options = new LoadOptions(ctx > 0 ? ctx : null, threads > 0 ? threads : null,
                batch > 0 ? batch : null, gpuLayers >= -1 ? gpuLayers : null, noMmap ? Boolean.FALSE : null,
                embeddings);
        long start = System.nanoTime();
        LoadedModel loaded;
        try {
            loaded = models.load(model, options);
        } catch (TerroirException e) {
            throw notDownloaded(model, e);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String id = models.loaded().stream().filter(i -> i.descriptor().path().equals(loaded.descriptor().path()))
                .map(LoadedModelInfo::id).findFirst().orElse(loaded.descriptor().name());
        session.getConsole().println(TEXTS.get("load.done", id, loaded.backendId(), ms, loaded.contextLength()));
        String engine = loaded.descriptor().property(org.terroir.api.ModelDescriptor.ENGINE);
        if (engine != null) {
            session.getConsole().println(TEXTS.get("load.engine", engine,
                    String.valueOf(loaded.descriptor().property(org.terroir.api.ModelDescriptor.DEVICE))));
        }
        String notice = loaded.descriptor().property("notice");
        if (notice != null) {
            session.getConsole().println(TEXTS.get("load.notice", notice));
        }
    }

    @Descriptor("list the loaded models")
    public void ps(CommandSession session) {
        PrintStream out = session.getConsole();
        List<LoadedModelInfo> loaded = models.loaded();
        if (loaded.isEmpty()) {
            out.println(TEXTS.get("ps.none"));
            return;
        }
        String current = models.current().map(m -> m.descriptor().path().toString()).orElse("");
        out.println(TEXTS.get("ps.header"));
        Instant now = Instant.now();
        for (LoadedModelInfo m : loaded) {
            String device = m.descriptor().property(org.terroir.api.ModelDescriptor.DEVICE);
            out.printf("%s %-28s %-16s %8d %10s %9s %9s  %s%n",
                    m.descriptor().path().toString().equals(current) ? "*" : " ", m.id(), m.backendId(),
                    m.contextLength(), Sizes.human(m.descriptor().sizeBytes()),
                    ago(Duration.between(m.loadedAt(), now)), ago(Duration.between(m.lastUsed(), now)),
                    device == null ? "" : device);
        }
    }

    private static String ago(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s / 3600 + "h" + (s % 3600) / 60 + "m";
    }

    @Descriptor("unload a model (the current one when none is named) and free its memory")
    public void unload(CommandSession session,
            @Descriptor("unload every model") @Parameter(names = {"--all"}, presentValue = "true",
                    absentValue = "false") boolean all,
            @Descriptor("model id, as listed by ps") String... model) {
        PrintStream out = session.getConsole();
        if (all) {
            int n = models.loaded().size();
            models.unloadAll();
            out.println(TEXTS.get("unload.all", n));
            return;
        }
        String id = model.length > 0 ? String.join(" ", model)
                : models.loaded().stream().filter(i -> models.current().map(c -> c.descriptor().path()
                        .equals(i.descriptor().path())).orElse(false)).map(LoadedModelInfo::id).findFirst()
                        .orElseThrow(() -> new TerroirException("model.none", TEXTS.get("model.none")));
        if (!models.unload(id)) {
            throw new TerroirException("unload.unknown", TEXTS.get("unload.unknown", id));
        }
        out.println(TEXTS.get("unload.done", id));
    }

    @Descriptor("ask the current model a one-off question; the answer streams as it is written (Ctrl-C stops it)")
    public void ask(CommandSession session,
            @Descriptor("model to use (default: the current one)")
            @Parameter(names = {"-m", "--model"}, absentValue = "") String model,
            @Descriptor("most tokens to generate") @Parameter(names = {"-n", "--max-tokens"}, absentValue = "256") int maxTokens,
            @Descriptor("sampling temperature, 0 for greedy")
            @Parameter(names = {"-t", "--temperature"}, absentValue = "0.7") float temperature,
            @Descriptor("nucleus sampling") @Parameter(names = {"--top-p"}, absentValue = "0.95") float topP,
            @Descriptor("seed for reproducible answers (-1: random)")
            @Parameter(names = {"--seed"}, absentValue = "-1") long seed,
            @Descriptor("system prompt") @Parameter(names = {"-s", "--system"}, absentValue = "") String system,
            @Descriptor("send the text as is, without the chat template")
            @Parameter(names = {"--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("the question") String... prompt) throws InterruptedException {
        if (prompt.length == 0) {
            throw new TerroirException("ask.empty", TEXTS.get("ask.empty"));
        }
        LoadedModel target = pick(model);
        String text = String.join(" ", prompt);
        Sampling sampling = Sampling.defaults().withMaxTokens(maxTokens).withTemperature(temperature).withTopP(topP)
                .withSeed(seed >= 0 ? seed : null);
        GenerationRequest request = raw ? GenerationRequest.completion(text, sampling)
                : GenerationRequest.chat(system.isBlank() ? List.of(ChatMessage.user(text))
                        : List.of(ChatMessage.system(system), ChatMessage.user(text)), sampling);
        PrintStream out = session.getConsole();
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Generation generation = target.generate(request, token -> {
            if (!interrupted.get()) {
                out.print(token);
                out.flush();
            }
        });
        GenerationStats stats;
        try {
            stats = generation.result().get();
        } catch (InterruptedException e) {
            // Ctrl-C: Gogo interrupts the command and is back at its prompt at once; stop the answer and print
            // nothing more, so that no late token lands after the prompt.
            interrupted.set(true);
            generation.cancel();
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            out.println();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
        out.println();
        out.println(statsLine(stats, carbon) + ShellTexts.remoteSuffix(ShellTexts.remote(target.descriptor())));
    }

    @Descriptor("embed texts with the current model (or --model) and show how close they are to each other")
    public void embed(CommandSession session,
            @Descriptor("model to use (default: the current one)")
            @Parameter(names = {"-m", "--model"}, absentValue = "") String model,
            @Descriptor("texts, each in quotes") String... texts) {
        if (texts.length == 0) {
            throw new TerroirException("embed.empty", TEXTS.get("embed.empty"));
        }
        LoadedModel target = pick(model);
        if (!target.supportsEmbeddings()) {
            throw new TerroirException("embed.unsupported", TEXTS.get("embed.unsupported",
                    target.descriptor().name()));
        }
        List<float[]> vectors = target.embed(List.of(texts));
        PrintStream out = session.getConsole();
        out.println(TEXTS.get("embed.dimensions", vectors.size(), vectors.get(0).length));
        if (vectors.size() > 1) {
            out.println(TEXTS.get("embed.similarity"));
            for (int i = 0; i < vectors.size(); i++) {
                StringBuilder row = new StringBuilder(String.format("  %2d ", i + 1));
                for (int j = 0; j < vectors.size(); j++) {
                    row.append(String.format(ShellLocale.get(), "%7.3f", cosine(vectors.get(i), vectors.get(j))));
                }
                row.append("  ").append(texts[i].length() > 40 ? texts[i].substring(0, 39) + "…" : texts[i]);
                out.println(row);
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private LoadedModel pick(String model) {
        if (model != null && !model.isBlank()) {
            Optional<LoadedModel> found = models.find(model);
            return found.isPresent() ? found.get() : models.load(model, LoadOptions.defaults());
        }
        return models.current().orElseThrow(() -> new TerroirException("model.none", TEXTS.get("model.none")));
    }

    /** One line of statistics after an answer. */
    public static String statsLine(GenerationStats s, org.terroir.api.energy.CarbonCalculator carbon) {
        return TEXTS.get("ask.stats", s.generatedTokens(), format(s.tokensPerSecond()),
                Math.round(s.timeToFirstTokenMs()), s.promptTokens(), format(s.promptTokensPerSecond()),
                TEXTS.get("finish." + s.finishReason().name().toLowerCase(Locale.ROOT)))
                + org.terroir.shell.internal.energy.EnergyText.suffix(s.energy(), carbon);
    }

    private static String format(double value) {
        return String.format(ShellLocale.get(), "%.1f", value);
    }
}

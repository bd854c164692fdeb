package org.terroir.backend.llamacpp.internal;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.backend.llamacpp.protocol.Message;
import org.terroir.gguf.GgufFile;
import org.terroir.gguf.GgufReader;

/**
 * Runs GGUF models with llama.cpp, each in a worker JVM of its own (docs/ARCHITECTURE.md says why): this bundle
 * never loads a native library itself, so a crash, a leak or an unload can only ever touch one worker. One class,
 * two services ({@link CurrentEngineBackend}, {@link ClassicEngineBackend}): the runtime asks each whether it
 * supports a model and takes the higher ranked one that does, so today's llama.cpp serves what it can and the
 * classic engine the rest.
 */
public class LlamaCppBackend implements InferenceBackend {
    static final String ID = "llamacpp";
    private static final System.Logger LOG = System.getLogger(LlamaCppBackend.class.getName());

    private final List<LlamaCppModel> models = new CopyOnWriteArrayList<>();
    private volatile LlamaCppConfig config;
    private volatile Path home;
    private volatile WorkerClasspath classpath;
    private volatile boolean active;
    private final Engine engine;
    /** Decides how many layers today's engine puts on a GPU (optional: without it, the gpuLayers setting does). */
    @org.osgi.service.component.annotations.Reference(cardinality =
            org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    volatile org.terroir.api.hardware.HardwareAdvisor advisor;
    /** The framework's terroir.engines property: where the launcher laid out the engine packs. */
    private volatile String enginesDefault;

    /** For Declarative Services. */
    LlamaCppBackend(Engine engine) {
        this.engine = engine;
    }

    /** Outside OSGi (tests): the classic engine, its worker running from the given class path. */
    LlamaCppBackend(LlamaCppConfig config, Path home, WorkerClasspath classpath) {
        this(Engine.CLASSIC, config, home, classpath);
    }

    /** Outside OSGi (tests). */
    LlamaCppBackend(Engine engine, LlamaCppConfig config, Path home, WorkerClasspath classpath) {
        this.engine = engine;
        this.config = config;
        this.home = home;
        this.classpath = classpath;
        this.active = true;
    }

    @org.osgi.service.component.annotations.Activate
    void activate(BundleContext context, LlamaCppConfig config) {
        this.config = config;
        this.home = org.terroir.api.TerroirHome.root();
        this.classpath = new BundleWorkerClasspath(context.getBundle(), home.resolve("cache").resolve(ID));
        this.enginesDefault = context.getProperty(EnginePacks.PROPERTY);
        this.active = true;
    }

    @org.osgi.service.component.annotations.Modified
    void modified(LlamaCppConfig config) {
        // Applies to the next load; loaded models keep the settings they were loaded with.
        this.config = config;
    }

    /** Every model of this backend ends with it; their generations fail with a clear reason. */
    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        active = false;
        for (LlamaCppModel model : List.copyOf(models)) {
            model.close("backend.stopped");
        }
        models.clear();
    }

    @Override
    public String id() {
        return engine.backendId;
    }

    @Override
    public String displayName() {
        return engine.displayName;
    }

    Engine engine() {
        return engine;
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ModelFormat.GGUF);
    }

    @Override
    public Optional<ModelDescriptor> describe(Path path) {
        return GgufModels.describe(path);
    }

    /**
     * Whether this engine takes a GGUF model, so that the runtime's choice (the higher ranked backend that supports
     * a model) is the right one and every "no" is explained by someone:
     * <ul>
     * <li>today's engine takes an architecture it knows when its pack runs here and the {@code engine} setting
     * allows it; it also takes one that only it knows when it cannot run it, to say why (no pack, old C library,
     * {@code engine=classic});
     * <li>the classic engine takes an architecture it knows unless the setting is {@code engine=current}.
     * </ul>
     * An architecture neither knows is supported by neither, and the catalog and {@code inspect} say so.
     */
    @Override
    public boolean supports(ModelDescriptor model) {
        if (!ModelFormat.GGUF.equals(model.format())) {
            return false;
        }
        String setting = setting();
        String arch = architecture(model);
        if (engine == Engine.CURRENT) {
            if (!engine.loads(arch)) {
                return false;
            }
            boolean runs = !setting.equals("classic") && pack().pack().isPresent();
            return runs || !Engine.CLASSIC.loads(arch) || setting.equals("current");
        }
        return !setting.equals("current") && engine.loads(arch);
    }

    private String setting() {
        LlamaCppConfig c = config;
        return c == null ? "auto" : c.engine().trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** The engine pack this backend would load now. */
    EnginePacks.Choice pack() {
        LlamaCppConfig c = config;
        return EnginePacks.choose(EnginePacks.folder(c == null ? "" : c.enginePacks(), enginesDefault, home),
                c == null ? "auto" : c.enginePack());
    }

    private static String architecture(ModelDescriptor model) {
        String arch = model.property(ModelDescriptor.ARCHITECTURE);
        if (arch == null) {
            try {
                arch = GgufReader.read(model.path()).architecture();
            } catch (RuntimeException e) {
                return "";
            }
        }
        return arch;
    }

    /** Refuses, before any process starts, a model whose architecture this engine does not know. */
    private void checkArchitecture(ModelDescriptor model, GgufFile gguf) {
        String arch = gguf.architecture();
        if (engine.loads(arch)) {
            return;
        }
        if (engine == Engine.CLASSIC && Engine.CURRENT.loads(arch)) {
            EnginePacks.Choice pack = pack();
            String why = !config.engine().trim().equalsIgnoreCase("classic") ? pack.whyNot()
                    : Messages.get("engine.classic.chosen");
            throw new ModelLoadException("llamacpp.architecture.classic", Messages.get("load.architecture.classic",
                    model.name(), arch, Engine.CURRENT.displayName, why));
        }
        throw new ModelLoadException("llamacpp.architecture", Messages.get("load.architecture", model.name(), arch,
                engine.displayName));
    }

    /** Models this backend holds now. */
    List<LlamaCppModel> models() {
        return List.copyOf(models);
    }

    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options) throws ModelLoadException {
        return load(model, options, f -> { });
    }

    /** Today's engine tells its load's progress (per percent, from llama.cpp's callback); the classic one cannot. */
    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options, java.util.function.DoubleConsumer progress)
            throws ModelLoadException {
        if (!active) {
            throw new ModelLoadException("llamacpp.backend.stopped", Messages.get("backend.inactive"));
        }
        if (!ModelFormat.GGUF.equals(model.format())) {
            throw new ModelLoadException("llamacpp.format", Messages.get("load.format", model.name(), model.format()));
        }
        // Validated again here, not trusted from describe(): the file may have changed since, and only a file
        // the reader accepted may reach llama.cpp.
        GgufFile gguf = GgufReader.read(model.path());
        checkArchitecture(model, gguf);
        LlamaCppConfig config = this.config;
        Path pack = null;
        if (engine == Engine.CURRENT && setting().equals("classic")) {
            throw new ModelLoadException("llamacpp.engine.classic", Messages.get("engine.classic.only", model.name(),
                    gguf.architecture()));
        }
        if (engine == Engine.CURRENT) {
            EnginePacks.Choice choice = pack();
            if (choice.pack().isEmpty()) {
                throw new ModelLoadException("llamacpp.engine.unavailable", Messages.get("engine.unavailable",
                        engine.displayName, choice.whyNot()));
            }
            pack = choice.pack().get();
        }
        LoadSettings settings = LoadSettings.resolve(config, options == null ? LoadOptions.defaults() : options,
                gguf.contextLength().orElse(0), Runtime.getRuntime().availableProcessors());
        int gpuLayers = gpuLayers(model, options, settings, config);
        Path tmpDir;
        Writer logFile;
        Path logPath;
        List<String> command;
        try {
            Path workers = home.resolve("cache").resolve(ID).resolve("tmp");
            // Private to this account (0700/0600), whatever the JVM's umask: prompts and answers pass through here.
            org.terroir.api.TerroirHome.createPrivateDirectories(workers);
            tmpDir = Files.createTempDirectory(workers, "worker-");
            Path logs = org.terroir.api.TerroirHome.createPrivateDirectories(home.resolve("logs"));
            logPath = logs.resolve("llamacpp-" + safeName(model.name()) + ".log");
            rotate(logPath);
            if (!Files.exists(logPath)) {
                Files.createFile(logPath, org.terroir.api.TerroirHome.privateFile());
            }
            logFile = Files.newBufferedWriter(logPath,
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logFile.write("---- " + Instant.now() + " loading " + model.path() + System.lineSeparator());
            if (engine == Engine.CURRENT) {
                command = WorkerCommand.build(WorkerCommand.javaExecutable(), config.workerJvmOptions(), tmpDir, "",
                        classpath.currentEngineJars(pack.getParent()));
            } else {
                String library = config.libraryPath().isBlank()
                        ? classpath.nativeLibraryFolder().map(Path::toString).orElse("") : config.libraryPath();
                command = WorkerCommand.build(WorkerCommand.javaExecutable(), config.workerJvmOptions(), tmpDir,
                        library, classpath.jars());
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ModelLoadException("llamacpp.files", Messages.get("load.files", home, e.getMessage()), e);
        }
        LogTail log = new LogTail(logFile);
        Duration timeout = Duration.ofSeconds(Math.max(1, config.loadTimeoutSeconds()));
        WorkerProcess worker;
        try {
            worker = WorkerProcess.start(command, tmpDir, log, timeout, safeName(model.name()));
        } catch (WorkerStartException e) {
            log.awaitEnd(1000);
            log.close();
            LOG.log(System.Logger.Level.WARNING, "Worker for {0} did not start; its last log lines:\n{1}",
                    model.name(), log.text());
            throw startFailure(model, e, logPath, timeout);
        }
        LlamaCppModel loaded = new LlamaCppModel(engine.backendId, model, settings, worker, models::remove, logPath);
        loaded.load(new Message.Load(model.path().toAbsolutePath().toString(), settings.contextLength(),
                settings.threads(), settings.batchSize(), gpuLayers, settings.mmap(), settings.embeddings(),
                // The classic engine's C++ Jinja renderer has no time or size limit (a hostile template in a GGUF
                // ran for minutes): it formats chats with llama.cpp's built-in templates only, and its worker
                // hands the library a defused copy of the model's template (LlamaSession.defused).
                !GgufModels.declaresPooling(gguf), engine == Engine.CURRENT && config.jinja(), GgufModels.addsBos(gguf),
                engine.wireName,
                pack == null ? "" : pack.toString(), engine == Engine.CURRENT ? Math.max(1, config.parallel()) : 1,
                engine == Engine.CLASSIC ? gguf.chatTemplate().orElse("") : ""),
                timeout, progress);
        models.add(loaded);
        if (!loaded.isAlive()) {
            // Died right after loading: it already tried to leave the list before it was in it.
            models.remove(loaded);
        }
        if (!active) {
            // Deactivated while this load was under way.
            loaded.close("backend.stopped");
            throw new ModelLoadException("llamacpp.backend.stopped", Messages.get("backend.inactive"));
        }
        LOG.log(System.Logger.Level.INFO, "Loaded {0} in worker process {1}", model.name(),
                String.valueOf(loaded.process().pid()));
        return loaded;
    }

    private static ModelLoadException startFailure(ModelDescriptor model, WorkerStartException e, Path log,
            Duration timeout) {
        switch (e.kind()) {
            case DIED:
                return new ModelLoadException("llamacpp.load.died", Messages.get("load.died", model.name(),
                        e.exitCode().isPresent() ? String.valueOf(e.exitCode().getAsInt()) : "?", log), e);
            case TIMEOUT:
                return new ModelLoadException("llamacpp.load.timeout", Messages.get("load.timeout", model.name(),
                        timeout.toSeconds(), log), e);
            default:
                return new ModelLoadException("llamacpp.start", Messages.get("load.start", model.name(),
                        e.getMessage()), e);
        }
    }

    /**
     * The layers to offload: those the load names, else (today's engine, gpuOffload=auto) the fit verdict's — all
     * on a GPU that holds the model, a part on one that holds some, none without one — else the setting.
     */
    private int gpuLayers(ModelDescriptor model, LoadOptions options, LoadSettings settings, LlamaCppConfig config) {
        org.terroir.api.hardware.HardwareAdvisor a = advisor;
        boolean named = options != null && options.gpuLayers() != null;
        if (named || engine != Engine.CURRENT || a == null || !"auto".equalsIgnoreCase(config.gpuOffload().trim())) {
            return settings.gpuLayers();
        }
        try {
            org.terroir.api.hardware.Fit fit = a.fit(model.path(), org.terroir.api.hardware.EstimateOptions
                    .from(options == null ? LoadOptions.defaults() : options).withContextLength(settings.contextLength()));
            int layers = switch (fit.verdict()) {
                case FULL_GPU -> -1;
                case PARTIAL_GPU -> Math.max(0, fit.gpuLayers());
                default -> 0;
            };
            LOG.log(System.Logger.Level.INFO, "{0}: fit {1}, {2} GPU layers ({3})", model.name(), fit.verdict(),
                    layers, fit.reason());
            return layers;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "No fit verdict for {0} ({1}); GPU layers from the setting",
                    model.name(), e.getMessage());
            return settings.gpuLayers();
        }
    }

    /** Log files stop growing past {@value #LOG_LIMIT} bytes: the old one becomes {@code .1} (one kept). */
    static final long LOG_LIMIT = 8L << 20;

    static void rotate(Path log) throws IOException {
        if (Files.isRegularFile(log) && Files.size(log) > LOG_LIMIT) {
            Files.move(log, log.resolveSibling(log.getFileName() + ".1"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A file name made of safe characters only. */
    static String safeName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > 80 ? safe.substring(0, 80) : safe;
    }
}

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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
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
 * Runs GGUF models with llama.cpp, each in a worker JVM of its own (DESIGN.md says why): this bundle never
 * loads the native library itself, so a crash, a leak or an unload can only ever touch one worker.
 */
@Component(service = InferenceBackend.class, configurationPid = LlamaCppConfig.PID,
        property = InferenceBackend.BACKEND_ID + "=" + LlamaCppBackend.ID)
@Designate(ocd = LlamaCppConfig.class)
public final class LlamaCppBackend implements InferenceBackend {
    static final String ID = "llamacpp";
    private static final System.Logger LOG = System.getLogger(LlamaCppBackend.class.getName());

    private final List<LlamaCppModel> models = new CopyOnWriteArrayList<>();
    private volatile LlamaCppConfig config;
    private volatile Path home;
    private volatile WorkerClasspath classpath;
    private volatile boolean active;

    /** For Declarative Services. */
    public LlamaCppBackend() {
    }

    /** Outside OSGi (tests): the worker runs from the given class path. */
    LlamaCppBackend(LlamaCppConfig config, Path home, WorkerClasspath classpath) {
        this.config = config;
        this.home = home;
        this.classpath = classpath;
        this.active = true;
    }

    @Activate
    void activate(BundleContext context, LlamaCppConfig config) {
        this.config = config;
        this.home = org.terroir.api.TerroirHome.root();
        this.classpath = new BundleWorkerClasspath(context.getBundle(), home.resolve("cache").resolve(ID));
        this.active = true;
    }

    @Modified
    void modified(LlamaCppConfig config) {
        // Applies to the next load; loaded models keep the settings they were loaded with.
        this.config = config;
    }

    /** Every model of this backend ends with it; their generations fail with a clear reason. */
    @Deactivate
    void deactivate() {
        active = false;
        for (LlamaCppModel model : List.copyOf(models)) {
            model.close("backend.stopped");
        }
        models.clear();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "llama.cpp";
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ModelFormat.GGUF);
    }

    @Override
    public Optional<ModelDescriptor> describe(Path path) {
        return GgufModels.describe(path);
    }

    @Override
    public boolean supports(ModelDescriptor model) {
        return ModelFormat.GGUF.equals(model.format());
    }

    /** Models this backend holds now. */
    List<LlamaCppModel> models() {
        return List.copyOf(models);
    }

    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options) throws ModelLoadException {
        if (!active) {
            throw new ModelLoadException("llamacpp.backend.stopped", Messages.get("backend.inactive"));
        }
        if (!supports(model)) {
            throw new ModelLoadException("llamacpp.format", Messages.get("load.format", model.name(), model.format()));
        }
        // Validated again here, not trusted from describe(): the file may have changed since, and only a file
        // the reader accepted may reach llama.cpp.
        GgufFile gguf = GgufReader.read(model.path());
        LlamaCppConfig config = this.config;
        LoadSettings settings = LoadSettings.resolve(config, options == null ? LoadOptions.defaults() : options,
                gguf.contextLength().orElse(0), Runtime.getRuntime().availableProcessors());
        Path tmpDir;
        Writer logFile;
        List<String> command;
        try {
            Path workers = home.resolve("cache").resolve(ID).resolve("tmp");
            Files.createDirectories(workers);
            tmpDir = Files.createTempDirectory(workers, "worker-");
            Path logs = Files.createDirectories(home.resolve("logs"));
            logFile = Files.newBufferedWriter(logs.resolve("llamacpp-" + safeName(model.name()) + ".log"),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logFile.write("---- " + Instant.now() + " loading " + model.path() + System.lineSeparator());
            String library = config.libraryPath().isBlank()
                    ? classpath.nativeLibraryFolder().map(Path::toString).orElse("") : config.libraryPath();
            command = WorkerCommand.build(WorkerCommand.javaExecutable(), config.workerJvmOptions(), tmpDir, library,
                    classpath.jars());
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
            throw startFailure(model, e, log, timeout);
        }
        LlamaCppModel loaded = new LlamaCppModel(model, settings, worker, models::remove);
        loaded.load(new Message.Load(model.path().toAbsolutePath().toString(), settings.contextLength(),
                settings.threads(), settings.batchSize(), settings.gpuLayers(), settings.mmap(), settings.embeddings(),
                !GgufModels.declaresPooling(gguf), config.jinja(), GgufModels.addsBos(gguf)), timeout);
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

    private static ModelLoadException startFailure(ModelDescriptor model, WorkerStartException e, LogTail log,
            Duration timeout) {
        switch (e.kind()) {
            case DIED:
                return new ModelLoadException("llamacpp.load.died", Messages.get("load.died", model.name(),
                        e.exitCode().isPresent() ? String.valueOf(e.exitCode().getAsInt()) : "?", log.text()), e);
            case TIMEOUT:
                return new ModelLoadException("llamacpp.load.timeout", Messages.get("load.timeout", model.name(),
                        timeout.toSeconds(), log.text()), e);
            default:
                return new ModelLoadException("llamacpp.start", Messages.get("load.start", model.name(),
                        e.getMessage()), e);
        }
    }

    /** A file name made of safe characters only. */
    static String safeName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > 80 ? safe.substring(0, 80) : safe;
    }
}

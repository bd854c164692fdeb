package org.terroir.runtime.internal;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.BackendInfo;
import org.terroir.api.energy.EnergyMeter;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.ModelResolver;

/**
 * Tracks which models are loaded on which backend. Backends and resolvers come and go while it runs: when a
 * backend leaves, its generations end with a clear error and its models are forgotten; when one arrives, loading
 * works again, with no restart.
 */
@Component(service = ModelManager.class, configurationPid = RuntimeConfig.PID, immediate = true)
@Designate(ocd = RuntimeConfig.class)
public class RuntimeModelManager implements ModelManager {
    private static final System.Logger LOG = System.getLogger(RuntimeModelManager.class.getName());
    static final Texts TEXTS = Texts.of("org.terroir.runtime.internal.messages", RuntimeModelManager.class);

    private record Registered(InferenceBackend backend, int ranking, long serviceId) {
    }

    private record RankedResolver(ModelResolver resolver, int ranking) {
    }

    private final List<Registered> backends = new CopyOnWriteArrayList<>();
    private final List<RankedResolver> resolvers = new CopyOnWriteArrayList<>();
    private final Map<String, ManagedModel> models = new ConcurrentHashMap<>();
    private final Object loadLock = new Object();
    /** The loads under way (one at a time today, under the load lock), each under its own key, with its progress. */
    private final Map<Object, org.terroir.api.inference.LoadingModel> loading = new ConcurrentHashMap<>();
    private volatile String currentId;
    private volatile RuntimeConfig config;
    private volatile EnergyMeter energyMeter;
    private ScheduledExecutorService janitor;
    private java.util.concurrent.ScheduledFuture<?> idleCheck;

    @Activate
    void activate(RuntimeConfig config) {
        this.config = config;
        janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "terroir-idle-unloader");
            t.setDaemon(true);
            return t;
        });
    }

    @Modified
    void modified(RuntimeConfig config) {
        this.config = config;
        scheduleIdleCheck();
    }

    @Deactivate
    void deactivate() {
        if (janitor != null) {
            janitor.shutdownNow();
        }
        unloadAll();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(InferenceBackend backend, Map<String, Object> properties) {
        backends.add(new Registered(backend, ranking(properties), serviceId(properties)));
        LOG.log(System.Logger.Level.INFO, "backend available: {0}", backend.id());
    }

    /**
     * Forgets a backend that left and the models it held: the models first, so that whoever no longer finds the
     * backend in {@link #backends()} no longer finds its models either, and once more after, for a load that raced
     * the departure.
     */
    void unbindBackend(InferenceBackend backend, Map<String, Object> properties) {
        long id = serviceId(properties);
        GenerationException gone = new GenerationException(org.terroir.api.ErrorKind.BACKEND_GONE, "backend.gone",
                TEXTS.get("backend.gone", backend.displayName()));
        forgetModels(backend, gone);
        backends.removeIf(r -> r.serviceId() == id);
        forgetModels(backend, gone);
    }

    private void forgetModels(InferenceBackend backend, GenerationException gone) {
        for (ManagedModel model : List.copyOf(models.values())) {
            if (model.backend() == backend && models.remove(model.id(), model)) {
                model.abandon(gone);
                LOG.log(System.Logger.Level.INFO, "forgot model {0}: backend {1} left", model.id(), backend.id());
            }
        }
    }

    void updatedBackend(InferenceBackend backend, Map<String, Object> properties) {
        long id = serviceId(properties);
        backends.replaceAll(r -> r.serviceId() == id ? new Registered(backend, ranking(properties), id) : r);
    }

    /** The energy meter, when the hardware bundle offers one: each generation's stats then carry its energy. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEnergyMeter(EnergyMeter meter) {
        energyMeter = meter;
    }

    void unbindEnergyMeter(EnergyMeter meter) {
        if (energyMeter == meter) {
            energyMeter = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindResolver(ModelResolver resolver, Map<String, Object> properties) {
        resolvers.add(new RankedResolver(resolver, ranking(properties)));
    }

    void unbindResolver(ModelResolver resolver) {
        resolvers.removeIf(r -> r.resolver() == resolver);
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long l ? l : -1L;
    }

    private List<Registered> rankedBackends() {
        List<Registered> list = new ArrayList<>(backends);
        list.sort(Comparator.comparingInt(Registered::ranking).reversed()
                .thenComparingLong(Registered::serviceId));
        return list;
    }

    @Override
    public ModelDescriptor describe(String modelRef) {
        Path path = resolve(modelRef);
        List<Registered> ranked = rankedBackends();
        for (Registered registered : ranked) {
            Optional<ModelDescriptor> found = registered.backend().describe(path);
            if (found.isPresent()) {
                return found.get();
            }
        }
        String known = ranked.isEmpty() ? TEXTS.get("backends.none")
                : ranked.stream().map(r -> r.backend().displayName() + " (" + r.backend().formats().stream()
                        .map(Object::toString).collect(Collectors.joining(", ")) + ")")
                        .collect(Collectors.joining(", "));
        throw new TerroirException(org.terroir.api.ErrorKind.UNSUPPORTED, "model.unknownFormat", TEXTS.get("model.unknownFormat", path, known));
    }

    private Path resolve(String modelRef) {
        if (modelRef == null || modelRef.isBlank()) {
            throw new TerroirException(org.terroir.api.ErrorKind.BAD_REQUEST, "model.noRef", TEXTS.get("model.noRef"));
        }
        List<RankedResolver> ranked = new ArrayList<>(resolvers);
        ranked.sort(Comparator.comparingInt(RankedResolver::ranking).reversed());
        for (RankedResolver r : ranked) {
            try {
                Optional<Path> found = r.resolver().resolve(modelRef);
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "model resolver failed for " + modelRef, e);
            }
        }
        try {
            String expanded = modelRef.startsWith("~/")
                    ? System.getProperty("user.home") + modelRef.substring(1) : modelRef;
            Path path = Path.of(expanded).toAbsolutePath().normalize();
            if (Files.exists(path)) {
                return path;
            }
        } catch (InvalidPathException e) {
            // Not a path: falls through to the same message as a missing file.
        }
        throw new TerroirException(org.terroir.api.ErrorKind.NOT_FOUND, "model.notFound", TEXTS.get("model.notFound", modelRef));
    }

    @Override
    public LoadedModel load(String modelRef, LoadOptions options) {
        LoadOptions opts = options == null ? LoadOptions.defaults() : options;
        ModelDescriptor descriptor = describe(modelRef);
        synchronized (loadLock) {
            for (ManagedModel existing : models.values()) {
                if (existing.descriptor().path().equals(descriptor.path())) {
                    if (existing.options().equals(opts) && existing.isAlive()) {
                        existing.touch();
                        currentId = existing.id();
                        return existing;
                    }
                    unload(existing.id());
                }
            }
            Registered chosen = rankedBackends().stream().filter(r -> r.backend().supports(descriptor)).findFirst()
                    .orElseThrow(() -> new ModelLoadException(org.terroir.api.ErrorKind.UNSUPPORTED, "model.noBackend", TEXTS.get("model.noBackend",
                            descriptor.format(), descriptor.name())));
            makeRoom();
            long start = System.nanoTime();
            LoadedModel loaded = loadBounded(chosen.backend(), descriptor, opts);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String id = uniqueId(descriptor);
            ManagedModel managed = new ManagedModel(id, loaded, chosen.backend(), opts, millis, () -> unload(id),
                    () -> energyMeter);
            if (!backends.contains(chosen)) {
                // The backend left while it was loading: do not keep a model nobody can serve.
                managed.closeDelegate();
                throw new ModelLoadException(org.terroir.api.ErrorKind.BACKEND_GONE, "backend.gone", TEXTS.get("backend.gone",
                        chosen.backend().displayName()));
            }
            models.put(id, managed);
            currentId = id;
            scheduleIdleCheck();
            LOG.log(System.Logger.Level.INFO, "loaded {0} on {1} in {2} ms", id, chosen.backend().id(), millis);
            return managed;
        }
    }

    /**
     * The backend's {@code load}, on its own thread, for at most {@code loadTimeoutSeconds}: a backend (a plugin) that
     * hangs must not hold the load lock forever, and one that answers null is refused by name. A model that arrives
     * after the time is up is closed at once.
     */
    private LoadedModel loadBounded(InferenceBackend backend, ModelDescriptor descriptor, LoadOptions options) {
        java.util.concurrent.CompletableFuture<LoadedModel> result = new java.util.concurrent.CompletableFuture<>();
        Object key = new Object(); // a late callback of a load given up on never touches a later one
        loading.put(key, new org.terroir.api.inference.LoadingModel(descriptor.name(), backend.id(),
                java.time.Instant.now(), -1));
        java.util.function.DoubleConsumer progress = fraction -> {
            if (!Double.isNaN(fraction)) { // after the load, its entry is gone and this changes nothing
                // in order and within [0, 1], whatever a plugin sends
                loading.computeIfPresent(key, (k, was) -> new org.terroir.api.inference.LoadingModel(was.name(),
                        was.backendId(), was.startedAt(), Math.max(was.progress(), Math.min(1, Math.max(0, fraction)))));
            }
        };
        Thread loader = new Thread(() -> {
            try {
                result.complete(backend.load(descriptor, options, progress));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "terroir-load-" + backend.id());
        loader.setDaemon(true);
        loader.start();
        int seconds = config.loadTimeoutSeconds();
        try {
            return awaitLoad(backend, descriptor, result, loader, seconds);
        } finally {
            loading.remove(key);
        }
    }

    private LoadedModel awaitLoad(InferenceBackend backend, ModelDescriptor descriptor,
            java.util.concurrent.CompletableFuture<LoadedModel> result, Thread loader, int seconds) {
        LoadedModel loaded;
        try {
            loaded = seconds > 0 ? result.get(seconds, TimeUnit.SECONDS) : result.get();
        } catch (java.util.concurrent.TimeoutException e) {
            result.thenAccept(late -> {
                if (late != null) {
                    late.close();
                }
            });
            loader.interrupt();
            throw new ModelLoadException(org.terroir.api.ErrorKind.TIMEOUT, "model.load.timeout", TEXTS.get("model.load.timeout", descriptor.name(),
                    backend.displayName(), origin(backend), seconds));
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new ModelLoadException(cause instanceof org.terroir.api.TerroirException t ? t.kind()
                    : org.terroir.api.ErrorKind.INVALID_MODEL, "model.load.failed", String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loader.interrupt();
            throw new ModelLoadException(org.terroir.api.ErrorKind.INTERNAL, "model.load.interrupted", TEXTS.get("model.load.interrupted",
                    descriptor.name()));
        }
        if (loaded == null) {
            throw new ModelLoadException(org.terroir.api.ErrorKind.INTERNAL, "model.load.null", TEXTS.get("model.load.null", backend.displayName(),
                    origin(backend), descriptor.name()));
        }
        return loaded;
    }

    /** The bundle that brought a backend (a plugin's name), for messages. */
    private static String origin(InferenceBackend backend) {
        org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(backend.getClass());
        return bundle == null ? backend.id() : bundle.getSymbolicName();
    }

    private void makeRoom() {
        int max = config.maxLoadedModels();
        while (max > 0 && models.size() >= max) {
            Optional<ManagedModel> oldest = models.values().stream().filter(m -> !m.busy())
                    .min(Comparator.comparing(ManagedModel::lastUsed));
            if (oldest.isEmpty()) {
                return;
            }
            unload(oldest.get().id());
        }
    }

    private String uniqueId(ModelDescriptor descriptor) {
        String base = descriptor.path().getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        String id = base;
        for (int i = 2; models.containsKey(id); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    @Override
    public List<org.terroir.api.inference.LoadingModel> loading() {
        return List.copyOf(loading.values());
    }

    @Override
    public boolean unload(String modelId) {
        ManagedModel model = models.remove(modelId);
        if (model == null) {
            Optional<LoadedModel> found = find(modelId);
            if (found.isEmpty()) {
                return false;
            }
            model = models.remove(((ManagedModel) found.get()).id());
            if (model == null) {
                return false;
            }
        }
        model.abandon(new GenerationException(org.terroir.api.ErrorKind.BACKEND_GONE, "model.unloaded", TEXTS.get("model.unloaded", model.id())));
        if (Objects.equals(currentId, model.id())) {
            currentId = models.values().stream().max(Comparator.comparing(ManagedModel::lastUsed))
                    .map(ManagedModel::id).orElse(null);
        }
        return true;
    }

    @Override
    public void unloadAll() {
        for (String id : List.copyOf(models.keySet())) {
            unload(id);
        }
    }

    @Override
    public List<LoadedModelInfo> loaded() {
        return models.values().stream().map(ManagedModel::info)
                .sorted(Comparator.comparing(LoadedModelInfo::loadedAt)).toList();
    }

    @Override
    public Optional<LoadedModel> find(String modelIdOrRef) {
        if (modelIdOrRef == null) {
            return Optional.empty();
        }
        ManagedModel byId = models.get(modelIdOrRef);
        if (byId != null) {
            return Optional.of(byId);
        }
        for (ManagedModel model : models.values()) {
            ModelDescriptor d = model.descriptor();
            if (d.name().equals(modelIdOrRef) || d.path().toString().equals(modelIdOrRef)
                    || d.path().getFileName().toString().equals(modelIdOrRef)) {
                return Optional.of(model);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<LoadedModel> current() {
        String id = currentId;
        return id == null ? Optional.empty() : Optional.ofNullable(models.get(id));
    }

    @Override
    public List<BackendInfo> backends() {
        return rankedBackends().stream().map(r -> new BackendInfo(r.backend().id(), r.backend().displayName(),
                r.backend().formats(), r.ranking(), (int) models.values().stream()
                        .filter(m -> m.backend() == r.backend()).count(), remote(r.backend()))).toList();
    }

    /** Whether a backend's models run elsewhere; a plugin that fails to say is taken as local. */
    private static boolean remote(InferenceBackend backend) {
        try {
            return backend.remote();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void unloadIdle() {
        int minutes = config.idleUnloadMinutes();
        if (minutes <= 0) {
            return;
        }
        Instant limit = Instant.now().minus(Duration.ofMinutes(minutes));
        for (ManagedModel model : List.copyOf(models.values())) {
            if (!model.busy() && !model.lastUsed().isAfter(limit)) {
                LOG.log(System.Logger.Level.INFO, "unloading idle model {0}", model.id());
                unload(model.id());
            }
        }
        scheduleIdleCheck();
    }

    /**
     * Plans the next idle check for the moment the least recently used model would have been unused long enough
     * (a busy one counts as used now), instead of waking up on a timer: with no model loaded, or idle unload off,
     * nothing is planned and the runtime never wakes up. A model used meanwhile is simply not due at that check,
     * which plans the next one.
     */
    private synchronized void scheduleIdleCheck() {
        ScheduledExecutorService j = janitor;
        if (j == null || j.isShutdown()) {
            return;
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        int minutes = config.idleUnloadMinutes();
        Instant now = Instant.now();
        Optional<Instant> earliest = models.values().stream().map(m -> m.busy() ? now : m.lastUsed())
                .min(Comparator.naturalOrder());
        if (minutes <= 0 || earliest.isEmpty()) {
            return;
        }
        long delay = Math.max(1000, Duration.between(now, earliest.get().plus(Duration.ofMinutes(minutes))).toMillis());
        idleCheck = j.schedule(this::unloadIdle, delay, TimeUnit.MILLISECONDS);
    }
}

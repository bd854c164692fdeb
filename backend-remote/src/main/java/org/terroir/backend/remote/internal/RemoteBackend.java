package org.terroir.backend.remote.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.TerroirException;
import org.terroir.api.TerroirHome;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelContributor;
import org.terroir.api.catalog.ModelSource;
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.api.inference.ModelResolver;

/**
 * The remote backend: the models of the servers the user added, named {@code remote:<server>/<model>}, listed by the
 * library beside the files (as a {@link ModelContributor}), found by the manager (as a {@link ModelResolver}) and
 * "loaded" here (as an {@link InferenceBackend} whose {@link #remote()} is true). A model stands for no file: its
 * path is {@code TERROIR_HOME/remote/<server>/<model>}, which only this backend recognises. Its ranking is above the
 * local backends' so that it is asked first about those paths; it says no to every other path.
 */
@Component(service = { InferenceBackend.class, ModelResolver.class, ModelContributor.class, RemoteBackend.class },
        property = { InferenceBackend.BACKEND_ID + "=" + RemoteBackend.ID, "service.ranking:Integer=1000" })
public class RemoteBackend implements InferenceBackend, ModelResolver, ModelContributor {
    static final String ID = "remote";
    static final ModelFormat FORMAT = new ModelFormat("remote");
    static final String PREFIX = "remote:";
    static final Texts TEXTS = Texts.of("org.terroir.backend.remote.internal.messages", RemoteBackend.class);
    /** How long a list of a server's models is used before it is asked again. */
    static final Duration FRESH = Duration.ofSeconds(20);
    /** How long listing waits for a server that has never answered before showing nothing for it. */
    static final Duration FIRST_LIST_WAIT = Duration.ofSeconds(3);
    private static final System.Logger LOG = System.getLogger(RemoteBackend.class.getName());

    /** A model of a server. */
    record Ref(String server, String model) {
    }

    /** A server's models as last listed, or why they could not be. */
    record Listing(List<RemoteClient.Listed> models, TerroirException error, long at) {
        boolean fresh() {
            return System.nanoTime() - at < FRESH.toNanos();
        }
    }

    private ServerStore store;
    private Path root;
    private ExecutorService executor;
    private final Map<String, RemoteClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Listing>> refreshing = new ConcurrentHashMap<>();

    @Activate
    void activate() {
        activate(TerroirHome.root());
    }

    void activate(Path home) {
        store = new ServerStore(home);
        root = home.resolve("remote").toAbsolutePath().normalize();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "terroir-remote");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
        clients.clear();
    }

    // ---- servers ----

    List<RemoteServer> servers() {
        return store.list();
    }

    Optional<RemoteServer> server(String name) {
        return store.get(name);
    }

    /** Adds (or replaces) a server after checking that it answers; returns the models it lists. */
    List<RemoteClient.Listed> add(String name, String url, String key, String pin, boolean consent) {
        RemoteServer server = new RemoteServer(RemoteServer.checkName(name), RemoteServer.normalizeUrl(url),
                RemoteServer.normalizePin(pin), consent);
        RemoteClient probe = new RemoteClient(server, key == null || key.isBlank() ? null : key.strip(), executor);
        List<RemoteClient.Listed> models = probe.models();
        store.put(server, key);
        clients.remove(server.name());
        listings.put(server.name(), new Listing(models, null, System.nanoTime()));
        return models;
    }

    boolean remove(String name) {
        boolean removed = store.remove(name);
        clients.remove(name);
        listings.remove(name);
        return removed;
    }

    void consent(String name) {
        RemoteServer server = known(name);
        store.update(server.withConsent(true));
        clients.remove(name);
    }

    RemoteServer known(String name) {
        return store.get(name).orElseThrow(() -> new TerroirException(ErrorKind.NOT_FOUND, "remote.server.unknown",
                TEXTS.get("remote.server.unknown", name, names())));
    }

    private String names() {
        List<String> names = store.list().stream().map(RemoteServer::name).toList();
        return names.isEmpty() ? TEXTS.get("remote.none") : String.join(", ", names);
    }

    RemoteClient client(String name) {
        RemoteServer server = known(name);
        RemoteClient existing = clients.get(name);
        if (existing != null && existing.server.equals(server)) {
            return existing;
        }
        RemoteClient client = new RemoteClient(server, store.key(name), executor);
        clients.put(name, client);
        return client;
    }

    /** The server's models now (asked at once); the error it stands for when it does not answer. */
    List<RemoteClient.Listed> modelsNow(String name) {
        try {
            List<RemoteClient.Listed> models = client(name).models();
            listings.put(name, new Listing(models, null, System.nanoTime()));
            return models;
        } catch (TerroirException e) {
            listings.put(name, new Listing(List.of(), e, System.nanoTime()));
            throw e;
        }
    }

    /** The last listing of a server (refreshed in the background when old), waiting a little the first time. */
    Listing listing(String name) {
        Listing last = listings.get(name);
        if (last != null && last.fresh()) {
            return last;
        }
        CompletableFuture<Listing> running = refreshing.computeIfAbsent(name, n -> CompletableFuture.supplyAsync(() -> {
            try {
                return new Listing(client(n).models(), null, System.nanoTime());
            } catch (TerroirException e) {
                return new Listing(List.of(), e, System.nanoTime());
            } catch (RuntimeException e) {
                return new Listing(List.of(), new TerroirException(ErrorKind.INTERNAL, "remote.lost",
                        TEXTS.get("remote.lost", n, String.valueOf(e.getMessage())), e), System.nanoTime());
            }
        }, executor));
        // Attached outside computeIfAbsent: a listing already complete would otherwise update the map from inside it.
        running.whenComplete((l, e) -> {
            if (l != null && store.get(name).isPresent()) {
                listings.put(name, l);
            }
            refreshing.remove(name, running);
        });
        if (last != null) {
            return last;
        }
        try {
            return running.get(FIRST_LIST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Listing(List.of(), new TerroirException(ErrorKind.TIMEOUT, "remote.timeout",
                    TEXTS.get("remote.timeout", name, FIRST_LIST_WAIT.toSeconds())), System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Listing(List.of(), null, 0);
        } catch (java.util.concurrent.ExecutionException e) {
            return new Listing(List.of(), null, 0);
        }
    }

    // ---- names and paths ----

    static String name(String server, String model) {
        return PREFIX + server + "/" + model;
    }

    Path path(Ref ref) {
        return root.resolve(ref.server()).resolve(fileName(ref.model()));
    }

    static String fileName(String model) {
        String s = model.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }

    /** The server and model of {@code remote:<server>/<model>}, or null when the reference is not of that form. */
    static Ref parse(String ref) {
        if (ref == null || !ref.startsWith(PREFIX)) {
            return null;
        }
        String rest = ref.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "remote.ref.bad", TEXTS.get("remote.ref.bad", ref));
        }
        return new Ref(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** The model a path of ours stands for (its server's current listing decides which model id it is). */
    private Optional<Ref> fromPath(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (!p.startsWith(root) || root.relativize(p).getNameCount() != 2) {
            return Optional.empty();
        }
        String server = root.relativize(p).getName(0).toString();
        String file = p.getFileName().toString();
        if (store.get(server).isEmpty()) {
            throw new TerroirException(ErrorKind.NOT_FOUND, "remote.server.unknown",
                    TEXTS.get("remote.server.unknown", server, names()));
        }
        for (RemoteClient.Listed m : listing(server).models()) {
            if (fileName(m.id()).equals(file)) {
                return Optional.of(new Ref(server, m.id()));
            }
        }
        throw gone(file, server);
    }

    private static TerroirException gone(String model, String server) {
        return new TerroirException(ErrorKind.NOT_FOUND, "remote.model.gone",
                TEXTS.get("remote.model.gone", model, server, TEXTS.get("remote.model.notListed")));
    }

    // ---- ModelResolver ----

    @Override
    public Optional<Path> resolve(String modelRef) {
        Ref ref = parse(modelRef);
        if (ref != null) {
            // An unknown server is said by describe(), in words that list the known ones.
            return Optional.of(path(ref));
        }
        try {
            if (modelRef != null && Path.of(modelRef).isAbsolute()
                    && Path.of(modelRef).toAbsolutePath().normalize().startsWith(root)) {
                return Optional.of(Path.of(modelRef).toAbsolutePath().normalize());
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    // ---- ModelContributor ----

    @Override
    public List<LibraryModel> models() {
        List<LibraryModel> all = new ArrayList<>();
        for (RemoteServer server : store.list()) {
            for (RemoteClient.Listed m : listing(server.name()).models()) {
                all.add(libraryModel(server, m));
            }
        }
        return all;
    }

    @Override
    public Optional<LibraryModel> find(String ref) {
        Ref r;
        try {
            r = parse(ref);
        } catch (TerroirException e) {
            return Optional.empty();
        }
        if (r == null || store.get(r.server()).isEmpty()) {
            return Optional.empty();
        }
        RemoteServer server = store.get(r.server()).get();
        return listing(r.server()).models().stream().filter(m -> m.id().equals(r.model())).findFirst()
                .map(m -> libraryModel(server, m));
    }

    private LibraryModel libraryModel(RemoteServer server, RemoteClient.Listed m) {
        return new LibraryModel(name(server.name(), m.id()), PREFIX + server.name(), m.id(),
                path(new Ref(server.name(), m.id())), FORMAT, 0, null, null, ModelSource.REMOTE, "");
    }

    // ---- InferenceBackend ----

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return TEXTS.get("backend.name");
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(FORMAT);
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public Optional<ModelDescriptor> describe(Path path) {
        return fromPath(path).map(this::descriptor);
    }

    private ModelDescriptor descriptor(Ref ref) {
        RemoteServer server = known(ref.server());
        Map<String, String> properties = new HashMap<>();
        properties.put(ModelDescriptor.REMOTE, server.url());
        properties.put("remote.server", server.name());
        properties.put("remote.model", ref.model());
        listing(ref.server()).models().stream().filter(m -> m.id().equals(ref.model()) && m.contextLength() > 0)
                .findFirst().ifPresent(m -> properties.put(ModelDescriptor.CONTEXT_LENGTH,
                        Integer.toString(m.contextLength())));
        return new ModelDescriptor(name(ref.server(), ref.model()), path(ref), FORMAT, 0, properties);
    }

    @Override
    public boolean supports(ModelDescriptor model) {
        return FORMAT.equals(model.format()) && model.property("remote.server") != null
                && store.get(model.property("remote.server")).isPresent();
    }

    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options) throws ModelLoadException {
        String serverName = model.property("remote.server");
        String id = model.property("remote.model");
        RemoteServer server;
        try {
            server = known(serverName);
        } catch (TerroirException e) {
            throw new ModelLoadException(e.kind(), e.code(), e.getMessage());
        }
        if (!server.consented()) {
            throw new ModelLoadException(ErrorKind.BAD_REQUEST, "remote.consent",
                    TEXTS.get("remote.consent", server.name(), server.url()));
        }
        List<RemoteClient.Listed> listed;
        try {
            listed = modelsNow(serverName);
        } catch (TerroirException e) {
            throw new ModelLoadException(e.kind(), e.code(), e.getMessage(), e);
        }
        RemoteClient.Listed found = listed.stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> {
                    TerroirException e = gone(id, serverName);
                    return new ModelLoadException(e.kind(), e.code(), e.getMessage());
                });
        Map<String, String> properties = new HashMap<>(model.properties());
        properties.put(ModelDescriptor.ENGINE, TEXTS.get("engine", server.url()));
        properties.put(ModelDescriptor.DEVICE, TEXTS.get("device", java.net.URI.create(server.url()).getHost()));
        ModelDescriptor loaded = new ModelDescriptor(model.name(), model.path(), model.format(), 0, properties);
        int context = options != null && options.contextLength() != null && options.contextLength() > 0
                ? options.contextLength() : found.contextLength();
        LOG.log(System.Logger.Level.INFO, "remote model {0} on {1}", id, server.url());
        return new RemoteModel(loaded, client(serverName), id, context, executor,
                options != null && options.embeddings());
    }
}

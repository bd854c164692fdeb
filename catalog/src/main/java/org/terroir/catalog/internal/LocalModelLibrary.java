package org.terroir.catalog.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelContributor;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.inference.ModelResolver;
import org.terroir.catalog.internal.library.ExternalRoot;
import org.terroir.catalog.internal.library.ModelStore;

/**
 * The model library, and the resolver that lets {@code load owner/repo:Q4_K_M} or {@code load owner/repo/file.gguf}
 * find the file. Models that {@link ModelContributor}s offer (a remote server's) are listed after the files and
 * found by their names; they come and go with their contributors.
 */
@Component(service = {ModelLibrary.class, ModelResolver.class}, configurationPid = CatalogConfig.PID,
        property = "service.ranking:Integer=100")
public class LocalModelLibrary implements ModelLibrary, ModelResolver {
    private static final System.Logger LOG = System.getLogger(LocalModelLibrary.class.getName());
    private volatile ModelStore store;
    private final List<ModelContributor> contributors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindContributor(ModelContributor contributor) {
        contributors.add(contributor);
    }

    void unbindContributor(ModelContributor contributor) {
        contributors.remove(contributor);
    }

    /** What the contributors offer; one that fails is left out (and logged), never the whole list. */
    private List<LibraryModel> contributed() {
        List<LibraryModel> all = new java.util.ArrayList<>();
        for (ModelContributor c : contributors) {
            try {
                all.addAll(c.models());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "model contributor failed: " + c, e);
            }
        }
        return all;
    }

    @Activate
    @Modified
    void configure(CatalogConfig config) {
        store = new ModelStore(CatalogComponents.modelsFolder(config), config.scan_other_tools()
                ? ExternalRoot.defaults(System.getenv(), Path.of(System.getProperty("user.home")))
                : List.of());
    }

    /** The store itself, for the downloader living in the same bundle. */
    ModelStore store() {
        return store;
    }

    @Override
    public Optional<Path> resolve(String modelRef) {
        try {
            if (modelRef == null || java.nio.file.Files.exists(Path.of(modelRef))) {
                return Optional.empty(); // an existing path means that file, not a library model of the same name
            }
            return store.find(modelRef).map(LibraryModel::path);
        } catch (RuntimeException e) { // includes InvalidPathException
            return Optional.empty(); // a resolver that cannot tell must let the next one try
        }
    }

    @Override
    public Path root() {
        return store.root();
    }

    @Override
    public List<LibraryModel> list() {
        List<LibraryModel> all = new java.util.ArrayList<>(store.list());
        all.addAll(contributed());
        return all;
    }

    @Override
    public Optional<LibraryModel> find(String ref) {
        Optional<LibraryModel> own = store.find(ref);
        if (own.isPresent() || contributors.isEmpty()) {
            return own;
        }
        for (ModelContributor c : contributors) {
            try {
                Optional<LibraryModel> found = c.find(ref);
                if (found.isPresent()) {
                    return found;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "model contributor failed: " + c, e);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean remove(String ref) {
        return store.remove(ref);
    }

    @Override
    public LibraryModel importFile(Path file, String repo, ImportMode mode) {
        return store.importFile(file, repo, mode);
    }

    @Override
    public List<LibraryModel> scan() {
        return store.scan();
    }
}

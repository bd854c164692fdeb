package org.terroir.catalog.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.terroir.api.TerroirHome;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.inference.ModelResolver;
import org.terroir.catalog.internal.library.ExternalRoot;
import org.terroir.catalog.internal.library.ModelStore;

/**
 * The model library, and the resolver that lets {@code load owner/repo:Q4_K_M} or {@code load owner/repo/file.gguf}
 * find the file.
 */
@Component(service = {ModelLibrary.class, ModelResolver.class}, configurationPid = CatalogConfig.PID,
        property = "service.ranking:Integer=100")
public class LibraryComponent implements ModelLibrary, ModelResolver {
    private volatile ModelStore store;

    @Activate
    @Modified
    void configure(CatalogConfig config) {
        store = new ModelStore(TerroirHome.models(), config.scan_other_tools()
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
        return store.list();
    }

    @Override
    public Optional<LibraryModel> find(String ref) {
        return store.find(ref);
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

package org.terroir.web.internal.openai;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.terroir.api.TerroirException;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.keys.MeteredModel;

/**
 * Finds the model a request names: a loaded one (by id, name or file name), else a model of the library, loaded on
 * demand (the runtime unloads it again after its idle time). File paths are refused unless the configuration allows
 * them: a program on the network must not make the server open any file it likes.
 */
public final class ModelAccess {
    private final ModelManager manager;
    private final ModelLibrary library;
    private final boolean allowPaths;

    public ModelAccess(ModelManager manager, ModelLibrary library, boolean allowPaths) {
        this.manager = manager;
        this.library = library;
        this.allowPaths = allowPaths;
    }

    /**
     * A model as clients see it: its stable id (the library name for a library model, loaded or not; the runtime's
     * id for a model loaded from a path, as long as it stays loaded), the library entry (null for a model loaded from
     * a path) and what is loaded of it (null when not loaded).
     */
    public record Listed(String id, LibraryModel library, LoadedModelInfo loaded) {
        /** When it was made: the file's date for a library model, the load time otherwise. */
        public long created() {
            if (library != null) {
                try {
                    return Files.getLastModifiedTime(library.path()).toInstant().getEpochSecond();
                } catch (IOException e) {
                    return 0;
                }
            }
            return loaded.loadedAt().getEpochSecond();
        }

        public Path path() {
            return library != null ? library.path() : loaded.descriptor().path();
        }
    }

    /**
     * Every model a request may name, under an id that does not change when it is loaded or unloaded: each library
     * model under its library name, then the loaded models that are not in the library under their runtime id.
     */
    public List<Listed> list() {
        Map<String, LoadedModelInfo> loadedByPath = new HashMap<>();
        for (LoadedModelInfo info : manager.loaded()) {
            loadedByPath.putIfAbsent(info.descriptor().path().toString(), info);
        }
        List<Listed> models = new ArrayList<>();
        if (library != null) {
            for (LibraryModel m : library.list()) {
                models.add(new Listed(m.name(), m, loadedByPath.remove(m.path().toString())));
            }
        }
        for (LoadedModelInfo info : manager.loaded()) {
            if (loadedByPath.containsKey(info.descriptor().path().toString())) {
                models.add(new Listed(info.id(), null, info));
            }
        }
        return models;
    }

    /** The model an id names, listed or resolvable (a library alias, a loaded model's id or name), without loading. */
    public Optional<Listed> describe(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        List<Listed> all = list();
        for (Listed m : all) {
            if (m.id().equals(name)) {
                return Optional.of(m);
            }
        }
        Optional<Path> path = manager.find(name).map(m -> m.descriptor().path());
        if (path.isEmpty() && library != null) {
            path = library.find(name).map(LibraryModel::path);
        }
        if (path.isPresent()) {
            for (Listed m : all) {
                if (m.path().equals(path.get())) {
                    return Optional.of(new Listed(name, m.library(), m.loaded()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The model to generate with, loaded if need be; metered for the member whose key the request carries (every
     * dialect generates through here, so their tokens are counted in one place: {@link MeteredModel}).
     */
    public LoadedModel forGeneration(String name) {
        return MeteredModel.forCurrentMember(manager.find(name).filter(LoadedModel::isAlive)
                .orElseGet(() -> load(name, LoadOptions.defaults())));
    }

    public LoadedModel forEmbeddings(String name) {
        Optional<LoadedModel> loaded = manager.find(name).filter(LoadedModel::isAlive);
        if (loaded.isPresent() && loaded.get().supportsEmbeddings()) {
            return loaded.get();
        }
        return load(loaded.map(m -> m.descriptor().path().toString()).orElse(name),
                LoadOptions.defaults().withEmbeddings(true), loaded.isPresent());
    }

    private LoadedModel load(String name, LoadOptions options) {
        return load(name, options, false);
    }

    private LoadedModel load(String name, LoadOptions options, boolean trusted) {
        String ref = trusted ? name : reference(name);
        try {
            return manager.load(ref, options);
        } catch (TerroirException e) {
            if (e.kind() == org.terroir.api.ErrorKind.NOT_FOUND) {
                throw notFound(name);
            }
            throw org.terroir.web.internal.http.ErrorKinds.toApiError(e, "model", ApiError.shortMessage(e.getMessage()));
        }
    }

    /**
     * The reference to store or load for a name a request gives: a loaded model's id, a library model's file, or
     * (only with {@code allowModelPaths}) a path. Anything else is a 404 that says nothing about the file system:
     * the same answer whether or not such a file exists.
     */
    public String checked(String name) {
        if (name == null || name.isBlank()) {
            return name;
        }
        if (manager.find(name).isPresent()) {
            return name;
        }
        return reference(name);
    }

    /** What to hand the manager for a name that is not loaded. */
    private String reference(String name) {
        if (library != null) {
            Optional<LibraryModel> found = library.find(name);
            if (found.isPresent()) {
                return found.get().path().toString();
            }
        }
        if (isPath(name)) {
            if (allowPaths) {
                return name;
            }
            throw new ApiError(404, "invalid_request_error", "model_not_found", "model",
                    Texts.get("error.model.path", name));
        }
        throw notFound(name);
    }

    private static boolean isPath(String name) {
        try {
            return name.contains("/") && (Path.of(name).isAbsolute() || name.startsWith("~/") || name.startsWith("./")
                    || name.startsWith("../")) || name.contains("\\") || name.endsWith(".gguf")
                    || name.endsWith(".onnx");
        } catch (InvalidPathException e) {
            return false;
        }
    }

    public static ApiError notFound(String name) {
        return new ApiError(404, "invalid_request_error", "model_not_found", "model",
                Texts.get("error.model.unknown", name));
    }
}

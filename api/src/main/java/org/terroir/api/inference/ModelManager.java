package org.terroir.api.inference;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.terroir.api.ModelDescriptor;

/**
 * Which models are loaded on which backend. Picks a backend by format and ranking; when a backend leaves, its
 * generations end with a clear error and its models are forgotten.
 */
@ProviderType
public interface ModelManager {
    /**
     * Finds the model a reference names (a path, or a name a {@link ModelResolver} knows) and reads what its
     * metadata says, without loading it.
     */
    ModelDescriptor describe(String modelRef);

    /** Loads a model (or returns it if already loaded with the same reference) and makes it current. */
    LoadedModel load(String modelRef, LoadOptions options);

    /** Unloads a model by its id; returns false when no such model is loaded. */
    boolean unload(String modelId);

    /** Unloads every model. */
    void unloadAll();

    List<LoadedModelInfo> loaded();

    /** The models being loaded now, with how far along each is (for a progress bar). */
    default List<LoadingModel> loading() {
        return List.of();
    }

    /** The loaded model with this id (or whose name or path matches). */
    Optional<LoadedModel> find(String modelIdOrRef);

    /** The model used when a command names none: the last one loaded that is still loaded. */
    Optional<LoadedModel> current();

    List<BackendInfo> backends();
}

package org.terroir.api.inference;

import java.util.Set;

import org.terroir.api.ModelFormat;

/**
 * A backend as the manager sees it.
 *
 * @param remote whether its models run on another machine (prompts leave this computer); see
 *               {@link InferenceBackend#remote()}
 */
public record BackendInfo(String id, String displayName, Set<ModelFormat> formats, int ranking, int loadedModels,
        boolean remote) {

    /** A local backend (the constructor of api inference 1.1). */
    public BackendInfo(String id, String displayName, Set<ModelFormat> formats, int ranking, int loadedModels) {
        this(id, displayName, formats, ranking, loadedModels, false);
    }

    public BackendInfo withRemote(boolean value) {
        return new BackendInfo(id, displayName, formats, ranking, loadedModels, value);
    }
}

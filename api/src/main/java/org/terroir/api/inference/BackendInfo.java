package org.terroir.api.inference;

import java.util.Set;

import org.terroir.api.ModelFormat;

/** A backend as the manager sees it. */
public record BackendInfo(String id, String displayName, Set<ModelFormat> formats, int ranking, int loadedModels) {
}

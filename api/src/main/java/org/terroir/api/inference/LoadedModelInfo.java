package org.terroir.api.inference;

import java.time.Instant;

import org.terroir.api.ModelDescriptor;

/**
 * A model the manager holds.
 *
 * @param id          the id to unload or use it by
 * @param descriptor  the model
 * @param backendId   the backend that holds it
 * @param contextLength its context window
 * @param loadedAt    when it was loaded
 * @param loadMillis  how long loading took
 * @param lastUsed    when it last generated or embedded
 */
public record LoadedModelInfo(String id, ModelDescriptor descriptor, String backendId, int contextLength,
        Instant loadedAt, long loadMillis, Instant lastUsed) {
}

package org.terroir.api.inference;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;
import java.nio.file.Path;

/**
 * Turns a model reference into a model on disk. The manager asks every registered resolver (highest
 * {@code service.ranking} first), then falls back to treating the reference as a path. The model library
 * registers one that knows names such as {@code owner/repo:Q4_K_M}.
 */
@ConsumerType
public interface ModelResolver {
    /** The file or folder this reference names, or empty when this resolver does not know it. */
    Optional<Path> resolve(String modelRef);
}

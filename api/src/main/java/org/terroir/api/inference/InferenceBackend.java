package org.terroir.api.inference;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;

/**
 * An engine that runs models of some formats. Third parties implement it and register it as an OSGi service
 * with the property {@link #BACKEND_ID} (and {@code service.ranking} to be preferred when two backends can
 * serve the same model).
 */
@ConsumerType
public interface InferenceBackend {
    /** Service property: the backend's id, equal to {@link #id()}. */
    String BACKEND_ID = "terroir.backend.id";

    /** Stable id, e.g. {@code llamacpp}. */
    String id();

    /** Name shown to people, e.g. {@code llama.cpp}. */
    String displayName();

    Set<ModelFormat> formats();

    /**
     * Recognises and validates a model file or folder of one of this backend's formats, reading its metadata
     * in Java only. Empty when the path is not of these formats.
     *
     * @throws org.terroir.api.InvalidModelException when it is of these formats but damaged
     */
    Optional<ModelDescriptor> describe(Path path);

    /** Whether this backend can load this model; cheap, no native code. */
    boolean supports(ModelDescriptor model);

    /**
     * Loads a model. Blocks until it is ready to generate.
     *
     * @throws ModelLoadException with a message the user can act on
     */
    LoadedModel load(ModelDescriptor model, LoadOptions options) throws ModelLoadException;

    /**
     * Loads a model and tells how far along the load is, for a progress bar: {@code progress} receives fractions
     * from 0 to 1, in order, from any thread, as often as the backend can tell (a backend that cannot tell never
     * calls it, which this default does).
     *
     * @throws ModelLoadException with a message the user can act on
     */
    default LoadedModel load(ModelDescriptor model, LoadOptions options, java.util.function.DoubleConsumer progress)
            throws ModelLoadException {
        return load(model, options);
    }

    /**
     * Whether this backend's models run on another machine (a remote server): their prompts and answers leave this
     * computer, so front ends mark them as remote. False for every backend that runs models here.
     */
    default boolean remote() {
        return false;
    }
}

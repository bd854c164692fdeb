package org.terroir.api.inference;

import java.util.List;
import java.util.OptionalLong;

import org.osgi.annotation.versioning.ConsumerType;
import org.terroir.api.ModelDescriptor;

/** A model held in memory by a backend. Closing it frees that memory. */
@ConsumerType
public interface LoadedModel extends AutoCloseable {
    ModelDescriptor descriptor();

    /** Id of the backend that holds it. */
    String backendId();

    /** The context window in tokens, as loaded. */
    int contextLength();

    /**
     * Starts a generation. Tokens reach {@code listener} as they are produced, on a thread of the backend;
     * the returned handle can cancel it and completes with the statistics.
     */
    Generation generate(GenerationRequest request, TokenListener listener);

    /** Whether {@link #embed(List)} works for this model. */
    boolean supportsEmbeddings();

    /** One vector per text, in order. */
    List<float[]> embed(List<String> texts);

    /** The token ids of a text, without special tokens added. */
    int[] tokenize(String text);

    /** Whether the model is still usable (its process or session is alive). */
    boolean isAlive();

    /**
     * The operating-system process that does this model's work (a worker process), so that its energy can be
     * attributed to it; empty when the model runs inside this JVM or the backend does not say.
     */
    default OptionalLong processId() {
        return OptionalLong.empty();
    }

    @Override
    void close();
}

package org.terroir.documents.internal;

import java.util.List;

/** Turns texts into vectors (a local embedding model). */
public interface Embedder {
    /** Which model: kept with the vectors, so that a document embedded by another model is embedded again. */
    String id();

    /** One vector per text, in order. */
    List<float[]> embed(List<String> texts);
}

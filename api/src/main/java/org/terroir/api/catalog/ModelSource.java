package org.terroir.api.catalog;

/** Where a model on disk came from. */
public enum ModelSource {
    /** Downloaded or imported into Terroir's own library. */
    TERROIR,
    /** Found in LM Studio's models folder (used in place, not copied). */
    LM_STUDIO,
    /** Found in the Hugging Face cache (used in place). */
    HUGGING_FACE_CACHE,
    /** An Ollama model layer (its blob is a GGUF file, used in place). */
    OLLAMA,
    /**
     * A model of another server (an OpenAI-compatible API), offered by a {@link ModelContributor}: nothing is on
     * disk here, and its prompts leave this computer.
     */
    REMOTE
}

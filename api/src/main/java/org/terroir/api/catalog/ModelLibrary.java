package org.terroir.api.catalog;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The models on disk: Terroir's own ({@code TERROIR_HOME/models/<owner>/<repo>/<file>}) and, used in place
 * without copying, those other tools already downloaded (LM Studio, the Hugging Face cache, Ollama).
 */
@ProviderType
public interface ModelLibrary {
    /** The folder of Terroir's own models. */
    Path root();

    /** Every model: Terroir's own first, then those found elsewhere. */
    List<LibraryModel> list();

    /**
     * The model a reference names: {@code owner/repo/file.gguf}, {@code owner/repo:Q4_K_M}, {@code owner/repo}
     * (when one file or a single best one), {@code ollama/name:tag}, or a file name.
     */
    Optional<LibraryModel> find(String ref);

    /**
     * Removes one of Terroir's own models. Models of other tools are never deleted.
     *
     * @return false when no such model is in Terroir's library
     * @throws org.terroir.api.TerroirException when the reference names another tool's model
     */
    boolean remove(String ref);

    /**
     * Brings a local file into the library under {@code repo} ({@code local/<name>} when null). The file is
     * validated first.
     */
    LibraryModel importFile(Path file, String repo, ImportMode mode);

    /** Looks again at the other tools' folders and returns what is there. */
    List<LibraryModel> scan();
}

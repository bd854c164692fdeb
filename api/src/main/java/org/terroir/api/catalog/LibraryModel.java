package org.terroir.api.catalog;

import java.nio.file.Path;
import java.util.Objects;

import org.terroir.api.ModelFormat;

/**
 * A model on disk that can be loaded.
 *
 * @param name         the library name, e.g. {@code owner/repo/file.gguf} ({@code ollama/name:tag} for Ollama)
 * @param repo         {@code owner/repo}
 * @param file         file name
 * @param path         where it is
 * @param format       its format
 * @param sizeBytes    size on disk
 * @param quantization quantisation (from metadata, else from the name), or null
 * @param architecture architecture from the metadata, or null when unreadable
 * @param source       where it came from
 * @param problem      why its metadata could not be read (localized), or empty
 */
public record LibraryModel(String name, String repo, String file, Path path, ModelFormat format, long sizeBytes,
        String quantization, String architecture, ModelSource source, String problem) {
    public LibraryModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        problem = problem == null ? "" : problem;
    }
}

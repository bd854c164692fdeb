package org.terroir.api.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.terroir.api.hardware.Tier;

/**
 * A model repository as a catalog knows it.
 *
 * @param repo            {@code owner/name}
 * @param author          owner
 * @param downloads       downloads (last 30 days on the Hub), -1 when unknown
 * @param likes           likes, -1 when unknown
 * @param parameters      parameter count, -1 when unknown
 * @param files           files (empty when the catalog did not list them, e.g. in search results)
 * @param gated           the Hub asks users to accept conditions (needs a token)
 * @param privateRepo     private repository (needs a token)
 * @param kind            chat, embedding, ...
 * @param recommendedFile the file to pull when the user names no quantisation, or {@code null}
 * @param description     short text in the user's language, may be empty
 * @param tier            the hardware tier this model suits, or null when unknown
 * @param verified        false when the facts come from an embedded list not yet checked against the Hub
 * @param fit             best fit badge among the files (the recommended one when known)
 * @param catalog         id of the catalog that answered ({@code huggingface}, {@code starter})
 */
public record CatalogEntry(String repo, String author, long downloads, long likes, long parameters,
        List<ModelFile> files, boolean gated, boolean privateRepo, ModelKind kind, String recommendedFile,
        String description, Tier tier, boolean verified, FitBadge fit, String catalog) {
    public CatalogEntry {
        Objects.requireNonNull(repo, "repo");
        files = files == null ? List.of() : List.copyOf(files);
        kind = kind == null ? ModelKind.OTHER : kind;
        description = description == null ? "" : description;
        fit = fit == null ? FitBadge.UNKNOWN : fit;
    }

    public Optional<ModelFile> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public CatalogEntry withFiles(List<ModelFile> newFiles, FitBadge newFit) {
        return new CatalogEntry(repo, author, downloads, likes, parameters, newFiles, gated, privateRepo, kind,
                recommendedFile, description, tier, verified, newFit, catalog);
    }
}

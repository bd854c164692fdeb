package org.terroir.api.catalog;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A place to find models: the Hugging Face Hub, the embedded starter list, or a third party's catalog. Nothing
 * here touches the network unless the user asked for it (a search, a listing).
 * Registered with the service property {@link #CATALOG_ID}.
 */
@ConsumerType
public interface ModelCatalog {
    /** Service property: the catalog's id, equal to {@link #id()}. */
    String CATALOG_ID = "terroir.catalog.id";

    /** Stable id, e.g. {@code huggingface} or {@code starter}. */
    String id();

    /** One page of models matching the query; entries may come without files. */
    SearchPage search(SearchQuery query);

    /**
     * A repository with every file, its size and SHA-256.
     *
     * @param repo     {@code owner/name}
     * @param checkFit also give each GGUF file a fit badge (reads the header of remote files with HTTP ranges)
     * @throws org.terroir.api.TerroirException with a localized message when the repository is unknown, gated,
     *                                          or the catalog cannot be reached
     */
    CatalogEntry describe(String repo, boolean checkFit);
}

package org.terroir.api.catalog;

import java.util.List;
import java.util.Optional;

/**
 * One page of search results.
 *
 * @param entries  the models, without their file lists unless the catalog has them at hand
 * @param nextPage the cursor of the next page, {@code null} on the last page
 */
public record SearchPage(List<CatalogEntry> entries, String nextPage) {
    public SearchPage {
        entries = List.copyOf(entries);
    }

    public Optional<String> next() {
        return Optional.ofNullable(nextPage);
    }
}

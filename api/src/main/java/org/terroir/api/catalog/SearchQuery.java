package org.terroir.api.catalog;

import java.util.Objects;

/**
 * A search in a catalog.
 *
 * @param text  words to look for (empty: everything)
 * @param sort  result order
 * @param limit results per page (1 to 100)
 * @param page  the opaque cursor of a page, from {@link SearchPage#nextPage()}; {@code null} for the first page
 */
public record SearchQuery(String text, SortOrder sort, int limit, String page) {
    public SearchQuery {
        text = text == null ? "" : text.trim();
        sort = sort == null ? SortOrder.DOWNLOADS : sort;
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be between 1 and 100: " + limit);
        }
    }

    public static SearchQuery of(String text) {
        return new SearchQuery(text, SortOrder.DOWNLOADS, 20, null);
    }

    public SearchQuery withPage(String cursor) {
        return new SearchQuery(text, sort, limit, cursor);
    }

    public SearchQuery withLimit(int value) {
        return new SearchQuery(text, sort, value, page);
    }

    public SearchQuery withSort(SortOrder value) {
        return new SearchQuery(text, Objects.requireNonNull(value), limit, page);
    }
}

package org.terroir.api.catalog;

import java.util.Objects;

/**
 * A search in a catalog.
 *
 * @param text     words to look for (empty: everything)
 * @param sort     result order
 * @param limit    results per page (1 to 100)
 * @param page     the opaque cursor of a page, from {@link SearchPage#nextPage()}; {@code null} for the first page
 * @param checkFit also list each entry's files and give the entry the fit badge of its recommended file (one
 *                 more request per entry, and a read of that file's header)
 */
public record SearchQuery(String text, SortOrder sort, int limit, String page, boolean checkFit) {
    public SearchQuery {
        text = text == null ? "" : text.trim();
        sort = sort == null ? SortOrder.DOWNLOADS : sort;
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be between 1 and 100: " + limit);
        }
    }

    public static SearchQuery of(String text) {
        return new SearchQuery(text, SortOrder.DOWNLOADS, 20, null, false);
    }

    public SearchQuery withPage(String cursor) {
        return new SearchQuery(text, sort, limit, cursor, checkFit);
    }

    public SearchQuery withLimit(int value) {
        return new SearchQuery(text, sort, value, page, checkFit);
    }

    public SearchQuery withSort(SortOrder value) {
        return new SearchQuery(text, Objects.requireNonNull(value), limit, page, checkFit);
    }

    public SearchQuery withCheckFit(boolean value) {
        return new SearchQuery(text, sort, limit, page, value);
    }
}

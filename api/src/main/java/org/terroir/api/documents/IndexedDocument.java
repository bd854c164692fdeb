package org.terroir.api.documents;

import java.time.Instant;

/**
 * A document in an index.
 *
 * @param name      its name
 * @param format    its format ({@link ExtractedDocument#format()})
 * @param pages     pages (PDF) or 0
 * @param passages  how many passages it was cut into
 * @param chars     the length of its text
 * @param indexedAt when it was indexed
 * @param millis    how long extraction, splitting and embedding took
 * @param sections  how many distinct section headings its passages carry (0 when none)
 * @param bytes     what its passages and their vectors take in the index
 */
public record IndexedDocument(String name, String format, int pages, int passages, long chars, Instant indexedAt,
        long millis, int sections, long bytes) {

    /** Without sections and size (not known). */
    public IndexedDocument(String name, String format, int pages, int passages, long chars, Instant indexedAt,
            long millis) {
        this(name, format, pages, passages, chars, indexedAt, millis, 0, 0);
    }
}

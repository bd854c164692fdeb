package org.terroir.api.documents;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Documents attached to a conversation or kept in a named collection, cut into passages, embedded with a local
 * embedding model and kept on disk; {@link #search} returns the passages closest to a question.
 *
 * <p>A {@code collection} is a conversation id or a collection name: letters, digits, {@code -}, {@code _} and
 * {@code .}, at most 100 characters.
 */
@ProviderType
public interface DocumentIndex {
    /** Extracts, splits, embeds and stores a file; a document of the same name in the collection is replaced. */
    IndexedDocument add(String collection, Path file);

    /** The documents of a collection, in the order they were added. */
    List<IndexedDocument> documents(String collection);

    /** Every passage of a document, in reading order (their texts do not overlap). */
    List<Passage> passages(String collection, String document);

    /** The {@code k} passages of the collection closest to the question, best first. */
    List<ScoredPassage> search(String collection, String question, int k);

    /** Removes a document; false when the collection has none of that name. */
    boolean remove(String collection, String document);
}

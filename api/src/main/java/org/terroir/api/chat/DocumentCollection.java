package org.terroir.api.chat;

import java.nio.file.Path;

/**
 * A named collection of documents ("project") that several conversations can use; its files live in
 * {@code TERROIR_HOME/collections/<name>/}, and a file added, changed or removed there is indexed again, or
 * forgotten, the next time the collection is used.
 *
 * @param name       its name: letters, digits, {@code -} and {@code _}, at most 64
 * @param folder     the folder of its files
 * @param documents  how many documents it holds
 * @param passages   how many passages they were cut into
 * @param indexBytes what the passages and their vectors take on disk
 * @since org.terroir.api.chat 1.2.0
 */
public record DocumentCollection(String name, Path folder, int documents, int passages, long indexBytes) {
}

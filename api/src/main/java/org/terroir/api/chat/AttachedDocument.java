package org.terroir.api.chat;

/**
 * A document attached to a conversation or kept in a collection.
 *
 * @param name        its file name
 * @param format      {@code pdf}, {@code docx}, {@code odt}, {@code html}, {@code markdown} or {@code text}
 * @param pages       pages (PDF), else 0
 * @param sections    sections with a heading (other formats), else 0
 * @param passages    the passages it was cut into
 * @param tokens      its size in tokens: counted by the conversation's model when it is loaded, else estimated
 *                    (one token per 3.5 characters, at the upper end of what tokenizers give for prose)
 * @param mode        {@code whole} when the conversation's documents fit its model's context and are given whole,
 *                    {@code indexed} when only the passages closest to each question are given
 * @param indexMillis how long extracting, cutting and embedding it took
 * @param indexBytes  what its passages and their vectors take on disk
 * @since org.terroir.api.chat 1.2.0
 */
public record AttachedDocument(String name, String format, int pages, int sections, int passages, long tokens,
        String mode, long indexMillis, long indexBytes) {

    public static final String WHOLE = "whole";
    public static final String INDEXED = "indexed";

    public AttachedDocument withMode(String value) {
        return new AttachedDocument(name, format, pages, sections, passages, tokens, value, indexMillis, indexBytes);
    }
}

package org.terroir.api.chat;

/**
 * A passage of an attached document that an answer was given with; the answer refers to it as {@code [n]}.
 *
 * @param n        its number in the answer, from 1
 * @param document the document's name
 * @param page     the page it is on (PDF), or 0
 * @param section  the heading of its section, or empty
 * @param text     the passage itself
 * @param score    how close it was to the question (cosine, -1 to 1); 1 for a document given whole
 * @since org.terroir.api.chat 1.2.0
 */
public record Citation(int n, String document, int page, String section, String text, double score) {
    public Citation {
        section = section == null ? "" : section;
        text = text == null ? "" : text;
    }
}

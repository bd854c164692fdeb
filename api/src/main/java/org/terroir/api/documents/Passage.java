package org.terroir.api.documents;

import java.util.Objects;

/**
 * A piece of a document's text with where it comes from.
 *
 * @param document the document's name (its file name)
 * @param page     the page it is on, from 1 (PDF); 0 when the format has no pages
 * @param section  the heading of the section it is in (DOCX, ODT, Markdown, HTML); empty when there is none
 * @param text     the text itself
 */
public record Passage(String document, int page, String section, String text) {
    public Passage {
        Objects.requireNonNull(document, "document");
        section = section == null ? "" : section;
        text = text == null ? "" : text;
    }

    /** Where the passage is, for a citation: {@code report.pdf, p. 3} or {@code notes.md, § Budget}. */
    public String citation() {
        StringBuilder b = new StringBuilder(document);
        if (page > 0) {
            b.append(", p. ").append(page);
        }
        if (!section.isEmpty()) {
            b.append(", § ").append(section);
        }
        return b.toString();
    }
}

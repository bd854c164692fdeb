package org.terroir.api.documents;

import java.util.List;

/**
 * The text of one document, in reading order, cut where its structure cuts it (pages of a PDF, sections under a
 * heading elsewhere).
 *
 * @param name   the document's name
 * @param format {@code pdf}, {@code docx}, {@code odt}, {@code html}, {@code markdown} or {@code text}
 * @param pages  the number of pages (PDF), else 0
 * @param parts  the text, one part per page or section, never empty
 */
public record ExtractedDocument(String name, String format, int pages, List<Passage> parts) {
    public ExtractedDocument {
        parts = List.copyOf(parts);
    }

    /** The whole text, parts separated by blank lines. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Passage p : parts) {
            if (b.length() > 0) {
                b.append("\n\n");
            }
            if (!p.section().isEmpty() && !p.text().startsWith(p.section())) {
                b.append(p.section()).append('\n');
            }
            b.append(p.text());
        }
        return b.toString();
    }
}

package org.terroir.shell.internal.documents;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.AttachedDocument;
import org.terroir.api.chat.Citation;
import org.terroir.api.chat.DocumentCollection;
import org.terroir.api.i18n.Texts;

/** The documents commands' texts, in the user's language, and how a document or a citation is shown. */
public final class DocumentTexts {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.documents.messages", DocumentTexts.class);

    private DocumentTexts() {
    }

    public static String get(String key, Object... args) {
        return TEXTS.get(key, args.length == 0 ? new Object[] {""} : args);
    }

    /** A file named on a command line: quotes around it removed, relative to the working folder. */
    public static Path file(String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty()) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "shell.documents.file", get("file.missing"));
        }
        try {
            return Path.of(t).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "shell.documents.file", get("file.bad", t));
        }
    }

    /** One line: name, format, pages or sections, passages, tokens, whole or indexed, index time and size. */
    public static String line(AttachedDocument d) {
        String parts = d.pages() > 0 ? get("pages", d.pages()) : d.sections() > 0 ? get("sections", d.sections()) : "";
        return get("document", d.name(), d.format(), parts, d.passages(), d.tokens(),
                get("mode." + d.mode()), d.indexMillis() / 1000.0, d.indexBytes() / 1024.0);
    }

    public static String line(DocumentCollection c) {
        return get("collection", c.name(), c.documents(), c.passages(), c.indexBytes() / 1024.0, c.folder());
    }

    /** The sources of an answer, one line each: {@code [1] report.pdf, p. 3 — beginning of the passage…}. */
    public static String sources(List<Citation> citations) {
        StringBuilder b = new StringBuilder(get("sources"));
        for (Citation c : citations) {
            String where = new org.terroir.api.documents.Passage(c.document(), c.page(), c.section(), "").citation();
            String text = c.text().replaceAll("\\s+", " ").strip();
            b.append(System.lineSeparator()).append("  [").append(c.n()).append("] ").append(where).append(" — ")
                    .append(text.length() > 90 ? text.substring(0, 89) + "…" : text);
        }
        return b.toString();
    }
}

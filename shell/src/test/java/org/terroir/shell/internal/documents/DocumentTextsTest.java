package org.terroir.shell.internal.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.AttachedDocument;
import org.terroir.api.chat.Citation;

/** The documents commands' texts: both languages, file names as typed, the lines they print. */
class DocumentTextsTest {
    @Test
    void everyTextIsInEnglishAndFrench() {
        java.util.Set<String> en = keys("messages.properties");
        java.util.Set<String> fr = keys("messages_fr.properties");
        assertEquals(en, fr);
        assertTrue(en.size() > 15, en.toString());
    }

    private static java.util.Set<String> keys(String file) {
        java.util.Properties p = new java.util.Properties();
        try (var in = DocumentTexts.class.getResourceAsStream(file)) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new java.util.TreeSet<>(p.stringPropertyNames());
    }

    @Test
    void aFileNameLosesItsQuotesAndBecomesAbsolute() {
        assertEquals(Path.of("my report.pdf").toAbsolutePath(), DocumentTexts.file("\"my report.pdf\""));
        assertEquals(Path.of("notes.md").toAbsolutePath(), DocumentTexts.file(" 'notes.md' "));
        assertThrows(TerroirException.class, () -> DocumentTexts.file("  "));
    }

    @Test
    void aDocumentAndTheSourcesOfAnAnswerAreOneLineEach() {
        String line = DocumentTexts.line(new AttachedDocument("report.pdf", "pdf", 12, 0, 14, 3400,
                AttachedDocument.INDEXED, 1500, 210 * 1024));
        assertTrue(line.startsWith("report.pdf (pdf, 12 "), line);
        assertTrue(line.contains("14 passages"), line); // the same word in French and in English
        String sources = DocumentTexts.sources(List.of(new Citation(1, "report.pdf", 3, "Budget", "The budget of "
                + "the town rose by four percent; " + "x ".repeat(80), 0.8)));
        String[] lines = sources.split("\\R");
        assertEquals(2, lines.length, sources);
        assertTrue(lines[1].startsWith("  [1] report.pdf, p. 3, § Budget — The budget"), lines[1]);
        assertTrue(lines[1].endsWith("…"), lines[1]);
    }
}

package org.terroir.documents.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.documents.DocumentException;
import org.terroir.api.documents.ExtractedDocument;
import org.terroir.api.documents.Passage;
import org.terroir.api.i18n.Texts;

/** Files made here with the same libraries (PDFBox, POI, the JDK's zip for ODT), then read back. */
class ExtractorsTest {
    @TempDir
    Path dir;
    final Extractors extractors = new Extractors(5_000_000);

    @AfterEach
    void lang() {
        System.clearProperty(Texts.LANG_PROPERTY);
    }

    static Path pdf(Path file, List<String> pages) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (String text : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                if (text.isEmpty()) {
                    continue; // a page with nothing to read, as a scan without OCR
                }
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    s.beginText();
                    s.setFont(font, 12);
                    s.setLeading(14);
                    s.newLineAtOffset(50, 700);
                    for (String line : text.split("\n")) {
                        s.showText(line);
                        s.newLine();
                    }
                    s.endText();
                }
            }
            doc.save(file.toFile());
        }
        return file;
    }

    @Test
    void pdfPagesKeepTheirNumbers() throws Exception {
        Path file = pdf(dir.resolve("report.pdf"), List.of("The budget rose by ten percent.",
                "Volunteers met on Tuesday.\nThey painted the banner.", "Conclusion: keep going."));
        ExtractedDocument doc = extractors.extract(file);
        assertEquals("pdf", doc.format());
        assertEquals(3, doc.pages());
        assertEquals(3, doc.parts().size());
        assertEquals(2, doc.parts().get(1).page());
        assertTrue(doc.parts().get(1).text().contains("painted the banner"), doc.parts().get(1).text());
        assertEquals("report.pdf, p. 2", doc.parts().get(1).citation());
    }

    @Test
    void scannedPdfWithoutTextIsAClearErrorInBothLanguages() throws Exception {
        Path file = pdf(dir.resolve("scan.pdf"), List.of("", ""));
        System.setProperty(Texts.LANG_PROPERTY, "en");
        DocumentException en = assertThrows(DocumentException.class, () -> extractors.extract(file));
        assertEquals("documents.no.text", en.code());
        assertEquals(ErrorKind.BAD_REQUEST, en.kind());
        assertTrue(en.getMessage().contains("scanned PDF") && en.getMessage().contains("OCR"), en.getMessage());
        System.setProperty(Texts.LANG_PROPERTY, "fr");
        DocumentException fr = assertThrows(DocumentException.class, () -> extractors.extract(file));
        assertTrue(fr.getMessage().contains("PDF scanné") && fr.getMessage().contains("d'abord"), fr.getMessage());
    }

    @Test
    void docxSectionsFollowHeadings() throws Exception {
        Path file = dir.resolve("minutes.docx");
        try (XWPFDocument doc = new XWPFDocument(); OutputStream out = Files.newOutputStream(file)) {
            XWPFParagraph h1 = doc.createParagraph();
            h1.setStyle("Heading1");
            h1.createRun().setText("Attendance");
            doc.createParagraph().createRun().setText("Twelve members came to the meeting.");
            XWPFParagraph h2 = doc.createParagraph();
            h2.setStyle("Heading2");
            h2.createRun().setText("Decisions");
            doc.createParagraph().createRun().setText("We will hold a stall at the market on Saturday.");
            doc.createTable(1, 2).getRow(0).getCell(0).setText("Who: Marie");
            doc.write(out);
        }
        ExtractedDocument doc = extractors.extract(file);
        assertEquals("docx", doc.format());
        assertEquals(List.of("Attendance", "Decisions"), doc.parts().stream().map(Passage::section).toList());
        assertTrue(doc.parts().get(1).text().contains("stall at the market"));
        assertTrue(doc.parts().get(1).text().contains("Who: Marie"), doc.parts().get(1).text());
        assertEquals("minutes.docx, § Decisions", doc.parts().get(1).citation());
    }

    @Test
    void odtSectionsFollowHeadings() throws Exception {
        Path file = dir.resolve("tract.odt");
        String content = """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
                    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
                  <office:body><office:text>
                    <text:h text:outline-level="1">Pourquoi manifester</text:h>
                    <text:p>Les loyers ont<text:s text:c="2"/>augmenté de <text:span>20 %</text:span>.<text:note>
                      <text:note-body><text:p>Source : observatoire.</text:p></text:note-body></text:note></text:p>
                    <text:h text:outline-level="2">Rendez-vous</text:h>
                    <text:list><text:list-item><text:p>Samedi 14 h, place de la mairie.</text:p></text:list-item></text:list>
                  </office:text></office:body>
                </office:document-content>
                """.strip();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("mimetype"));
            zip.write("application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry(new ZipEntry("content.xml"));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        ExtractedDocument doc = extractors.extract(file);
        assertEquals(List.of("Pourquoi manifester", "Rendez-vous"), doc.parts().stream().map(Passage::section)
                .toList());
        assertEquals("Les loyers ont  augmenté de 20 %.", doc.parts().get(0).text());
        assertEquals("Samedi 14 h, place de la mairie.", doc.parts().get(1).text());
    }

    @Test
    void htmlAndMarkdownSections() throws Exception {
        Path html = Files.writeString(dir.resolve("page.html"), "<html><head><title>T</title><script>var x;</script>"
                + "</head><body><nav>menu</nav><h1>Water</h1><p>The river is <b>clean</b> again.</p>"
                + "<ul><li><p>Item one</p></li></ul><h2>Air</h2><div><p>Less smog.</p></div></body></html>");
        ExtractedDocument h = extractors.extract(html);
        assertEquals(List.of("Water", "Air"), h.parts().stream().map(Passage::section).toList());
        assertEquals("The river is clean again.\n\nItem one", h.parts().get(0).text());
        Path md = Files.writeString(dir.resolve("notes.md"), "Intro line.\n\n# Budget\n\nWe spent 40 euros.\n\n"
                + "```\n# not a heading\n```\n\nTools\n-----\n\nA hammer.\n");
        ExtractedDocument m = extractors.extract(md);
        assertEquals(List.of("", "Budget", "Tools"), m.parts().stream().map(Passage::section).toList());
        assertTrue(m.parts().get(1).text().contains("# not a heading"));
        assertEquals("notes.md, § Tools", m.parts().get(2).citation());
    }

    @Test
    void plainTextInWindows1252IsRead() throws Exception {
        Path txt = dir.resolve("old.txt");
        Files.write(txt, "Réunion à 18 h".getBytes("windows-1252"));
        assertEquals("Réunion à 18 h", extractors.extract(txt).parts().get(0).text());
    }

    @Test
    void badFilesAreClearErrors() throws Exception {
        System.setProperty(Texts.LANG_PROPERTY, "en");
        Path fake = Files.write(dir.resolve("fake.pdf"), new byte[] {1, 2, 3, 4, 5});
        DocumentException e = assertThrows(DocumentException.class, () -> extractors.extract(fake));
        assertEquals("documents.unreadable", e.code());
        assertTrue(e.getMessage().startsWith("Cannot read \"fake.pdf\""), e.getMessage());
        Path exe = Files.write(dir.resolve("tool.exe"), new byte[] {1});
        assertEquals("documents.unsupported",
                assertThrows(DocumentException.class, () -> extractors.extract(exe)).code());
        Path fakeDocx = Files.write(dir.resolve("fake.docx"), "not a zip".getBytes(StandardCharsets.UTF_8));
        assertEquals("documents.unreadable",
                assertThrows(DocumentException.class, () -> extractors.extract(fakeDocx)).code());
        Path big = Files.write(dir.resolve("big.txt"), new byte[2_000]);
        DocumentException tooLarge = assertThrows(DocumentException.class,
                () -> new Extractors(1_000).extract(big));
        assertEquals("documents.too.large", tooLarge.code());
        assertEquals("documents.not.found", assertThrows(DocumentException.class,
                () -> extractors.extract(dir.resolve("missing.txt"))).code());
        Path empty = Files.writeString(dir.resolve("empty.md"), "\n\n");
        assertEquals("documents.empty", assertThrows(DocumentException.class, () -> extractors.extract(empty))
                .code());
    }
}

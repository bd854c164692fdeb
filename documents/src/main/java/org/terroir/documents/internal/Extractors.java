package org.terroir.documents.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.xwpf.usermodel.IBodyElement;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.terroir.api.ErrorKind;
import org.terroir.api.documents.DocumentException;
import org.terroir.api.documents.DocumentExtractor;
import org.terroir.api.documents.ExtractedDocument;
import org.terroir.api.documents.Passage;

/**
 * Text of PDF (Apache PDFBox, text layer, one part per page), DOCX (Apache POI, one part per heading), ODT
 * ({@link OdtText}), HTML (jsoup), Markdown (ATX and setext headings) and plain text files.
 */
public final class Extractors implements DocumentExtractor {
    static final Set<String> EXTENSIONS = Set.of("pdf", "docx", "odt", "html", "htm", "xhtml", "md", "markdown",
            "txt", "text", "csv");

    private final long maxBytes;

    public Extractors(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Set<String> extensions() {
        return EXTENSIONS;
    }

    @Override
    public ExtractedDocument extract(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw Messages.error(ErrorKind.NOT_FOUND, "documents.not.found", file);
        }
        String ext = extension(name);
        if (!EXTENSIONS.contains(ext)) {
            throw Messages.error(ErrorKind.UNSUPPORTED, "documents.unsupported", name);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw Messages.error(ErrorKind.NOT_FOUND, "documents.not.found", e, file);
        }
        if (size > maxBytes) {
            throw Messages.error(ErrorKind.BAD_REQUEST, "documents.too.large", name,
                    String.format(Locale.ROOT, "%.1f", size / 1e6), maxBytes / 1_000_000);
        }
        ExtractedDocument doc;
        try {
            doc = switch (ext) {
                case "pdf" -> pdf(file, name);
                case "docx" -> docx(file, name);
                case "odt" -> new ExtractedDocument(name, "odt", 0, OdtText.read(file, name));
                case "html", "htm", "xhtml" -> html(file, name);
                case "md", "markdown" -> new ExtractedDocument(name, "markdown", 0,
                        markdown(name, decode(Files.readAllBytes(file))));
                default -> new ExtractedDocument(name, "text", 0, plain(name, decode(Files.readAllBytes(file))));
            };
        } catch (DocumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw Messages.error(ErrorKind.BAD_REQUEST, "documents.unreadable", e, name, formatName(ext),
                    String.valueOf(e.getMessage()));
        }
        if (doc.parts().stream().allMatch(p -> p.text().isBlank())) {
            throw Messages.error(ErrorKind.BAD_REQUEST, "pdf".equals(ext) ? "documents.no.text" : "documents.empty",
                    name);
        }
        return new ExtractedDocument(doc.name(), doc.format(), doc.pages(),
                doc.parts().stream().filter(p -> !p.text().isBlank()).toList());
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String formatName(String ext) {
        return switch (ext) {
            case "htm", "xhtml" -> "HTML";
            case "md", "markdown" -> "Markdown";
            case "txt", "text" -> "text";
            default -> ext.toUpperCase(Locale.ROOT);
        };
    }

    private static ExtractedDocument pdf(Path file, String name) throws IOException {
        try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
            int pages = pdf.getNumberOfPages();
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            List<Passage> parts = new ArrayList<>(pages);
            for (int i = 1; i <= pages; i++) {
                stripper.setStartPage(i);
                stripper.setEndPage(i);
                parts.add(new Passage(name, i, "", clean(stripper.getText(pdf))));
            }
            return new ExtractedDocument(name, "pdf", pages, parts);
        } catch (InvalidPasswordException e) {
            throw Messages.error(ErrorKind.BAD_REQUEST, "documents.encrypted", e, name);
        }
    }

    private static ExtractedDocument docx(Path file, String name) throws IOException {
        try (InputStream in = Files.newInputStream(file); XWPFDocument docx = new XWPFDocument(in)) {
            Sections sections = new Sections(name);
            for (IBodyElement element : docx.getBodyElements()) {
                if (element instanceof XWPFParagraph p) {
                    if (headingLevel(docx, p) > 0 && !p.getText().isBlank()) {
                        sections.heading(p.getText().strip());
                    } else {
                        sections.text(p.getText());
                    }
                } else if (element instanceof XWPFTable t) {
                    t.getRows().forEach(r -> sections.text(String.join(" | ",
                            r.getTableCells().stream().map(c -> c.getText().strip()).toList())));
                }
            }
            return new ExtractedDocument(name, "docx", 0, sections.parts());
        }
    }

    /** 1 to 9 for Word's heading styles (their id or name "Heading N", "Titre N"...) and titles, else 0. */
    private static int headingLevel(XWPFDocument docx, XWPFParagraph p) {
        String id = p.getStyleID();
        if (id == null) {
            return 0;
        }
        String styleName = id;
        XWPFStyle style = docx.getStyles() == null ? null : docx.getStyles().getStyle(id);
        if (style != null && style.getName() != null) {
            styleName = style.getName();
        }
        for (String s : List.of(id, styleName)) {
            String n = s.toLowerCase(Locale.ROOT).replace(" ", "");
            if (n.equals("title") || n.equals("titre")) {
                return 1;
            }
            for (String prefix : List.of("heading", "titre", "berschrift")) {
                int at = n.indexOf(prefix);
                if (at >= 0 && n.length() > at + prefix.length()
                        && Character.isDigit(n.charAt(at + prefix.length()))) {
                    return n.charAt(at + prefix.length()) - '0';
                }
            }
        }
        return 0;
    }

    static final String HTML_BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,pre,blockquote,td,th,dt,dd,figcaption,caption";

    private static ExtractedDocument html(Path file, String name) throws IOException {
        org.jsoup.nodes.Document html = Jsoup.parse(file.toFile(), null);
        html.select("script,style,noscript,template,nav").remove();
        Sections sections = new Sections(name);
        Element body = html.body();
        boolean any = false;
        for (Element e : body.select(HTML_BLOCKS)) {
            if (e.parents().stream().anyMatch(a -> a.is(HTML_BLOCKS))) {
                continue; // its text is in its block ancestor's
            }
            any = true;
            if (e.normalName().matches("h[1-6]")) {
                sections.heading(e.text().strip());
            } else {
                sections.text(e.text());
            }
        }
        if (!any) {
            sections.text(body.text());
        }
        List<Passage> parts = sections.parts();
        String title = html.title().strip();
        if (parts.size() == 1 && parts.get(0).section().isEmpty() && !title.isEmpty()) {
            parts = List.of(new Passage(name, 0, title, parts.get(0).text()));
        }
        return new ExtractedDocument(name, "html", 0, parts);
    }

    static List<Passage> markdown(String name, String text) {
        Sections sections = new Sections(name);
        String[] lines = text.split("\r?\n", -1);
        boolean fenced = false;
        StringBuilder paragraph = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String t = line.strip();
            if (t.startsWith("```") || t.startsWith("~~~")) {
                fenced = !fenced;
                paragraph.append(line).append('\n');
                continue;
            }
            if (!fenced && t.matches("#{1,6}(\\s.*)?") && line.indexOf('#') < 4) {
                flush(sections, paragraph);
                sections.heading(t.replaceAll("^#+\\s*", "").replaceAll("\\s+#+$", "").strip());
                continue;
            }
            if (!fenced && i + 1 < lines.length && !t.isEmpty() && paragraph.isEmpty()
                    && lines[i + 1].strip().matches("(=+|-{2,})")) {
                sections.heading(t);
                i++;
                continue;
            }
            if (t.isEmpty() && !fenced) {
                flush(sections, paragraph);
            } else {
                paragraph.append(line).append('\n');
            }
        }
        flush(sections, paragraph);
        return sections.parts();
    }

    private static void flush(Sections sections, StringBuilder paragraph) {
        if (!paragraph.isEmpty()) {
            sections.text(paragraph.toString().stripTrailing());
            paragraph.setLength(0);
        }
    }

    static List<Passage> plain(String name, String text) {
        return List.of(new Passage(name, 0, "", clean(text)));
    }

    /** UTF-8 (with or without a byte order mark), else Windows-1252, the usual other encoding of French texts. */
    static String decode(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    /** Unix line ends, no trailing blanks, at most one blank line in a row, hyphenated line breaks joined. */
    static String clean(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u00A0', ' ')
                .replaceAll("(\\p{L})-\n(\\p{Ll})", "$1$2").replaceAll("[ \t]+\n", "\n")
                .replaceAll("\n{3,}", "\n\n").strip();
    }

    /** Text gathered under the last heading seen. */
    static final class Sections {
        private final String name;
        private final List<Passage> parts = new ArrayList<>();
        private String heading = "";
        private final StringBuilder text = new StringBuilder();

        Sections(String name) {
            this.name = name;
        }

        void heading(String h) {
            close();
            heading = h;
        }

        void text(String t) {
            if (t == null || t.isBlank()) {
                return;
            }
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(t.strip());
        }

        private void close() {
            if (!text.isEmpty()) {
                parts.add(new Passage(name, 0, heading, clean(text.toString())));
                text.setLength(0);
            }
        }

        List<Passage> parts() {
            close();
            return List.copyOf(parts);
        }
    }
}

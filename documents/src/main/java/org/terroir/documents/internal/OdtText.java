package org.terroir.documents.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.terroir.api.documents.Passage;

/**
 * The text of an OpenDocument text file: its {@code content.xml} (a zip entry) read with the JDK's StAX parser.
 * No ODF library is served (ODF Toolkit's odfdom is not in the registry we reach, and Apache Tika's ODF parser
 * comes only with its whole parser package); the ODF text model needs only a few elements: {@code text:h}
 * (headings), {@code text:p} (paragraphs, list items, table cells), {@code text:s}, {@code text:tab},
 * {@code text:line-break}; notes ({@code text:note}) are left out of the running text.
 */
final class OdtText {
    static final String TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";

    private OdtText() {
    }

    static List<Passage> read(Path file, String name) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry content = zip.getEntry("content.xml");
            if (content == null) {
                throw new IOException("no content.xml");
            }
            try (InputStream in = zip.getInputStream(content)) {
                return parse(in, name);
            }
        } catch (XMLStreamException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static List<Passage> parse(InputStream in, String name) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false); // no external entities
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        XMLStreamReader r = factory.createXMLStreamReader(in);
        Extractors.Sections sections = new Extractors.Sections(name);
        StringBuilder block = null;
        boolean heading = false;
        int depth = 0; // nested text:p / text:h (in frames, notes...)
        int skip = 0;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT && TEXT_NS.equals(r.getNamespaceURI())) {
                String local = r.getLocalName();
                if ("note".equals(local)) {
                    skip++;
                } else if (skip == 0 && ("p".equals(local) || "h".equals(local))) {
                    if (depth++ == 0) {
                        block = new StringBuilder();
                        heading = "h".equals(local);
                    }
                } else if (skip == 0 && block != null) {
                    switch (local) {
                        case "s" -> {
                            String c = r.getAttributeValue(TEXT_NS, "c");
                            block.append(" ".repeat(c == null ? 1 : Math.max(1, Math.min(80, parseInt(c)))));
                        }
                        case "tab" -> block.append('\t');
                        case "line-break" -> block.append('\n');
                        default -> { }
                    }
                }
            } else if (ev == XMLStreamConstants.END_ELEMENT && TEXT_NS.equals(r.getNamespaceURI())) {
                String local = r.getLocalName();
                if ("note".equals(local)) {
                    skip--;
                } else if (skip == 0 && ("p".equals(local) || "h".equals(local)) && --depth == 0 && block != null) {
                    if (heading && !block.toString().isBlank()) {
                        sections.heading(block.toString().strip());
                    } else {
                        sections.text(block.toString());
                    }
                    block = null;
                }
            } else if ((ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) && skip == 0
                    && block != null) {
                block.append(r.getText());
            }
        }
        return sections.parts();
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}

package org.terroir.api.documents;

import java.nio.file.Path;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/** Reads the text of a file: PDF (text layer), DOCX, ODT, HTML, Markdown, plain text. */
@ProviderType
public interface DocumentExtractor {
    /** The file name extensions it reads, lower case, without the dot. */
    Set<String> extensions();

    /**
     * The file's text with the location of each part.
     *
     * @throws DocumentException a format it does not read, a damaged file, a scanned PDF without text, a file too
     *                           large; the message says what to do, in the user's language
     */
    ExtractedDocument extract(Path file);
}

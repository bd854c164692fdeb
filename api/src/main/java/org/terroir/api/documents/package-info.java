/**
 * Documents contracts: text extracted from a user's files (PDF, DOCX, ODT, HTML, Markdown, plain text) with the
 * location of every passage, and an index that embeds passages locally and retrieves the best ones for a question.
 */
@Export
@Version("1.0.0")
package org.terroir.api.documents;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

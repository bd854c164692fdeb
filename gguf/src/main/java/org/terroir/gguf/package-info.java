/** Pure-Java GGUF reader: parses and validates a model file before any native code sees it. */
@Export
@Version("1.0.0")
package org.terroir.gguf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/** Catalogs of models (the Hugging Face Hub, the offline starter list), downloads, and the library of models on disk. */
@Export
@Version("1.3.0")
package org.terroir.api.catalog;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

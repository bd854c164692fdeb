/** Inference contracts: backends, loaded models, generation, the model manager. */
@Export
@Version("1.3.0")
package org.terroir.api.inference;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

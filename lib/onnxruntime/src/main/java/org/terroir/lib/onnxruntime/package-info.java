/**
 * Hugging Face tokenizers (DJL), run offline and loaded the way an OSGi bundle needs. ONNX Runtime itself is
 * exported as {@code ai.onnxruntime}.
 */
@Export
@Version("1.0.0")
package org.terroir.lib.onnxruntime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

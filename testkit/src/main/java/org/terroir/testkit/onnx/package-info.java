/**
 * Test support for ONNX: a hand-encoded ONNX writer, a tiny random-weight decoder in the Hugging Face Optimum
 * layout (with its KV cache inputs and outputs) and its tokenizer, and the real all-MiniLM-L6-v2 model taken
 * out of the jar that ships it.
 */
@Export
@Version("1.0.0")
package org.terroir.testkit.onnx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

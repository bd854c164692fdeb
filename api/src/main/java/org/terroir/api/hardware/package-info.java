/**
 * What this machine can run: the hardware profile and where each figure came from, the guide's tier table,
 * memory estimates of GGUF and ONNX models and fit verdicts.
 */
@Export
@Version("1.1.0")
package org.terroir.api.hardware;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

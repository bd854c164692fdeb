/**
 * Test support for GGUF: a streaming GGUF v3 writer, random-weight llama models that llama.cpp loads and runs,
 * and deliberately malformed files for the validation tests.
 */
@Export
@Version("1.0.0")
package org.terroir.testkit.gguf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

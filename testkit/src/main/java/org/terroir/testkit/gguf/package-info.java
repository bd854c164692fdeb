/**
 * Test support for GGUF: a streaming GGUF v3 writer, random-weight models that llama.cpp loads and runs (llama,
 * qwen3, qwen3moe, gemma3, gemma4, granite, smollm3: {@link org.terroir.testkit.gguf.Architecture}),
 * and deliberately malformed files for the validation tests.
 */
@Export
@Version("1.2.0")
package org.terroir.testkit.gguf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * The one stand-in for a model that tests use where a real engine is not the point (storage, trimming, queues,
 * plugins, time limits): {@link org.terroir.testkit.model.ScriptedModel}. It depends on the api only, so that a test
 * can pack it into a plugin bundle too. Tests of the engines themselves load real models made by
 * {@link org.terroir.testkit.gguf.TinyLlama} and the ONNX writers.
 */
@Export
@Version("1.0.0")
package org.terroir.testkit.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

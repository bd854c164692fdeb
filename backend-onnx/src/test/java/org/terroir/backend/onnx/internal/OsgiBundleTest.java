package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.testkit.onnx.MiniLm;
import org.terroir.testkit.osgi.TestFramework;

/**
 * The bundles as the platform runs them: Felix with SCR, the api, JNA, slf4j (with the ServiceLoader mediator it
 * requires), Gson, lib-onnxruntime and this backend. Proves that lib-onnxruntime resolves with its natives declared
 * and its imports met, that ONNX Runtime and the DJL tokenizer find and load their native libraries through a
 * bundle class loader (offline), that the backend service works there, and that the backend bundle can be stopped
 * (its models are freed), updated and started again.
 */
class OsgiBundleTest {
    @TempDir
    Path dir;

    @Test
    void theBackendServiceEmbedsInsideFelix() throws Exception {
        Path model = MiniLm.writeTo(dir.resolve("minilm"), getClass().getClassLoader());
        TestFramework osgi = TestFramework.start(dir.resolve("felix"));
        try {
            osgi.installFromClassPath("org.objectweb.asm", "org.objectweb.asm.tree", "org.objectweb.asm.tree.analysis",
                    "org.objectweb.asm.commons", "org.objectweb.asm.util", "org.apache.aries.spifly.dynamic.bundle",
                    "slf4j.api", "slf4j.jdk14", "org.terroir.api", "com.sun.jna", "com.google.gson",
                    "org.terroir.lib-onnxruntime", "org.osgi.util.function", "org.osgi.util.promise",
                    "org.osgi.service.component", "org.apache.felix.scr");
            Bundle backendBundle = osgi.install(Path.of("target", "classes"));
            osgi.startAll();
            for (Bundle b : osgi.bundles()) {
                assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName());
            }
            ServiceTracker<InferenceBackend, InferenceBackend> tracker = new ServiceTracker<>(osgi.context(),
                    osgi.context().createFilter("(terroir.backend.id=onnx)"), null);
            tracker.open(true);
            InferenceBackend backend = tracker.waitForService(60_000);
            assertNotNull(backend, "the ONNX backend service is registered");
            assertEquals("org.terroir.backend-onnx", tracker.getServiceReference().getBundle().getSymbolicName());

            LoadedModel loaded = backend.load(backend.describe(model).orElseThrow(), LoadOptions.defaults());
            List<float[]> vectors = loaded.embed(List.of("The cat sleeps.", "A kitten naps."));
            assertEquals(2, vectors.size());
            assertEquals(MiniLm.DIMENSIONS, vectors.get(0).length);
            assertTrue(MiniLmTest.dot(vectors.get(0), vectors.get(1)) > 0.5);

            // Stopping the backend bundle frees its models; lib-onnxruntime (and its JNI libraries) stays.
            backendBundle.stop();
            assertFalse(loaded.isAlive());
            assertNull(tracker.getService());
            // Updated and started again, it loads and embeds with the natives already in place.
            backendBundle.update();
            backendBundle.start();
            InferenceBackend again = tracker.waitForService(60_000);
            assertNotNull(again, "the backend comes back");
            LoadedModel loaded2 = again.load(again.describe(model).orElseThrow(), LoadOptions.defaults());
            assertArrayEquals(vectors.get(0), loaded2.embed(List.of("The cat sleeps.")).get(0), 1e-6f);
            loaded2.close();
            tracker.close();
        } finally {
            osgi.close();
        }
    }
}

package org.terroir.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.LoadingModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.testkit.onnx.TinyDecoder;
import org.terroir.testkit.osgi.TestFramework;

/** A load under way, as the page's progress bar reads it: the manager in Felix, the real ONNX backend under it. */
class LoadProgressBundleTest {
    @TempDir
    Path dir;

    /**
     * The real ONNX backend behind a backend of this test (a plugin, for the manager) that tells a load's progress
     * and waits until the test has seen it: the manager lists the load with its progress, in order and clamped,
     * and forgets it once the model is loaded.
     */
    @Test
    void aLoadUnderWayIsListedWithTheProgressItsBackendTells() throws Exception {
        Path folder = TinyDecoder.small().writeTo(dir.resolve("slow"));
        try (TestFramework osgi = OnnxPlatform.start(dir)) {
            ModelManager manager = osgi.service(ModelManager.class, 60_000);
            InferenceBackend onnx = osgi.service(InferenceBackend.class, 60_000);
            java.util.concurrent.CountDownLatch halfSeen = new java.util.concurrent.CountDownLatch(1);
            InferenceBackend telling = new InferenceBackend() {
                public String id() { return "telling"; }
                public String displayName() { return "Telling"; }
                public java.util.Set<org.terroir.api.ModelFormat> formats() { return onnx.formats(); }
                public java.util.Optional<org.terroir.api.ModelDescriptor> describe(Path path) {
                    return onnx.describe(path);
                }
                public boolean supports(org.terroir.api.ModelDescriptor model) { return onnx.supports(model); }
                public LoadedModel load(org.terroir.api.ModelDescriptor model, LoadOptions options) {
                    throw new AssertionError("the manager asks with a progress listener");
                }
                @Override
                public LoadedModel load(org.terroir.api.ModelDescriptor model, LoadOptions options,
                        java.util.function.DoubleConsumer progress) {
                    progress.accept(0.5);
                    progress.accept(0.25); // out of order: ignored
                    progress.accept(7); // out of range: 1
                    try {
                        assertTrue(halfSeen.await(30, java.util.concurrent.TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    return onnx.load(model, options);
                }
            };
            var registration = osgi.context().registerService(InferenceBackend.class, telling,
                    new java.util.Hashtable<>(Map.of(InferenceBackend.BACKEND_ID, "telling", "service.ranking", 100)));
            try {
                assertTrue(manager.loading().isEmpty());
                var load = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> manager.load(folder.toString(), LoadOptions.defaults()));
                long until = System.nanoTime() + 30_000_000_000L;
                List<LoadingModel> seen = manager.loading();
                while (seen.isEmpty() || seen.get(0).progress() < 1) {
                    assertTrue(System.nanoTime() < until, "the load listed with its progress: " + seen);
                    Thread.sleep(5);
                    seen = manager.loading();
                }
                assertEquals("telling", seen.get(0).backendId());
                assertEquals(1.0, seen.get(0).progress());
                halfSeen.countDown();
                LoadedModel model = load.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(manager.loading().isEmpty(), manager.loading().toString());
                assertEquals(2, OnnxPlatform.use(model));
            } finally {
                halfSeen.countDown();
                registration.unregister();
            }
        }
    }
}

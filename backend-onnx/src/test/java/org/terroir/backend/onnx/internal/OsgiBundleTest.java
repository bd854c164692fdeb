package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;
import org.terroir.testkit.onnx.MiniLm;

/**
 * The bundles as the platform runs them: Felix with SCR, the api, JNA, Gson, lib-onnxruntime and this backend. Proves
 * that lib-onnxruntime resolves with its natives declared, that ONNX Runtime and the DJL tokenizer find and load
 * their native libraries through a bundle class loader (offline), that the backend service works there, and
 * that the backend bundle can be stopped (its models are freed), updated and started again.
 */
class OsgiBundleTest {
    @TempDir
    Path dir;

    @Test
    void theBackendServiceEmbedsInsideFelix() throws Exception {
        Path model = MiniLm.writeTo(dir.resolve("minilm"), getClass().getClassLoader());
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        framework.start();
        try {
            BundleContext context = framework.getBundleContext();
            List<Bundle> bundles = new java.util.ArrayList<>();
            for (Class<?> anchor : List.of(org.terroir.api.TerroirException.class, com.sun.jna.Native.class,
                    org.terroir.lib.onnxruntime.HfTokenizer.class, org.osgi.util.function.Function.class,
                    org.osgi.util.promise.Promise.class, org.osgi.service.component.ComponentConstants.class,
                    org.apache.felix.scr.info.ScrInfo.class, OnnxBackend.class)) {
                if (anchor == OnnxBackend.class) {
                    // Gson's own jar: its classes are also inside lib-onnxruntime (private there), so no class of it
                    // can point to the jar.
                    bundles.add(context.installBundle(classPathJar("gson-")));
                }
                bundles.add(context.installBundle(location(anchor)));
            }
            for (Bundle b : bundles) {
                b.start();
            }
            for (Bundle b : bundles) {
                assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName());
            }
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context,
                    context.createFilter("(terroir.backend.id=onnx)"), null);
            tracker.open(true);
            Object backend = tracker.waitForService(60_000);
            assertNotNull(backend, "the ONNX backend service is registered");
            ServiceReference<?> ref = tracker.getServiceReference();
            assertEquals("org.terroir.backend-onnx", ref.getBundle().getSymbolicName());

            Method describe = backend.getClass().getMethod("describe", Path.class);
            Object descriptor = ((Optional<?>) describe.invoke(backend, model)).orElseThrow();
            Class<?> loadOptions = bundles.get(0).loadClass("org.terroir.api.inference.LoadOptions");
            Class<?> descriptorType = bundles.get(0).loadClass("org.terroir.api.ModelDescriptor");
            Object loaded = backend.getClass().getMethod("load", descriptorType, loadOptions)
                    .invoke(backend, descriptor, loadOptions.getMethod("defaults").invoke(null));
            Class<?> loadedModel = bundles.get(0).loadClass("org.terroir.api.inference.LoadedModel");
            @SuppressWarnings("unchecked")
            List<float[]> vectors = (List<float[]>) loadedModel.getMethod("embed", List.class)
                    .invoke(loaded, List.of("The cat sleeps.", "A kitten naps."));
            assertEquals(2, vectors.size());
            assertEquals(MiniLm.DIMENSIONS, vectors.get(0).length);
            assertTrue(MiniLmTest.dot(vectors.get(0), vectors.get(1)) > 0.5);

            // Stopping the backend bundle frees its models; lib-onnxruntime (and its JNI libraries) stays.
            Bundle backendBundle = bundles.get(bundles.size() - 1);
            backendBundle.stop();
            assertEquals(false, loadedModel.getMethod("isAlive").invoke(loaded));
            assertEquals(null, tracker.getService());
            // Updated and started again, it loads and embeds with the natives already in place.
            backendBundle.update();
            backendBundle.start();
            Object again = tracker.waitForService(60_000);
            assertNotNull(again, "the backend comes back");
            Object descriptor2 = ((Optional<?>) again.getClass().getMethod("describe", Path.class).invoke(again, model))
                    .orElseThrow();
            Object loaded2 = again.getClass().getMethod("load", descriptorType, loadOptions)
                    .invoke(again, descriptor2, loadOptions.getMethod("defaults").invoke(null));
            @SuppressWarnings("unchecked")
            List<float[]> vectors2 = (List<float[]>) loadedModel.getMethod("embed", List.class)
                    .invoke(loaded2, List.of("The cat sleeps."));
            org.junit.jupiter.api.Assertions.assertArrayEquals(vectors.get(0), vectors2.get(0), 1e-6f);
            loadedModel.getMethod("close").invoke(loaded2);
            tracker.close();
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    /** The jar of the test class path whose file name starts with {@code prefix}. */
    private static String classPathJar(String prefix) {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName() != null && path.getFileName().toString().startsWith(prefix)) {
                return path.toUri().toString();
            }
        }
        throw new AssertionError("no " + prefix + "*.jar on the test class path");
    }

    /** The jar (or, in a reactor build, the bnd-processed classes folder) a class comes from. */
    private static String location(Class<?> anchor) throws Exception {
        Path path = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        return java.nio.file.Files.isDirectory(path) ? "reference:" + path.toUri() : path.toUri().toString();
    }
}

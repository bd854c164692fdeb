package org.terroir.lib.onnxruntime.internal;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.terroir.api.TerroirHome;

/**
 * Prepares DJL before its classes initialise. DJL reads its settings once, from system properties (or the
 * environment, which wins), and finds its native library and platform file through the thread's context class
 * loader, which inside OSGi is not this bundle's.
 */
public final class DjlEnvironment {
    private static volatile boolean prepared;

    private DjlEnvironment() {
    }

    /** Sets DJL offline with its cache under TERROIR_HOME; settings someone already made are kept. */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        Path cache = TerroirHome.root().resolve("cache").resolve("djl");
        // Offline: no model-zoo or native-library downloads; it also turns off DJL's telemetry call.
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("DJL_CACHE_DIR", cache.toString());
        setIfAbsent("ENGINE_CACHE_DIR", cache.resolve("engines").toString());
        prepared = true;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Runs DJL code with this bundle's class loader as context loader, so DJL sees its own resources. */
    public static <T> T withBundleLoader(Callable<T> work) throws java.io.IOException {
        prepare();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(DjlEnvironment.class.getClassLoader());
        try {
            return work.call();
        } catch (java.io.IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}

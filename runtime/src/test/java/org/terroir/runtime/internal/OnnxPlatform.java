package org.terroir.runtime.internal;

import java.nio.file.Path;
import java.util.Map;

import org.terroir.testkit.osgi.TestFramework;

/** Felix with SCR, the real ONNX backend and this bundle, as the runtime's tests boot it. */
final class OnnxPlatform {
    private OnnxPlatform() {
    }

    static TestFramework start(Path dir) throws Exception {
        TestFramework osgi = TestFramework.start(dir.resolve("felix"),
                Map.of("terroir.home", dir.resolve("home").toString()));
        osgi.installFromClassPath("org.terroir.api", "org.osgi.util.function", "org.osgi.util.promise",
                "org.osgi.service.component", "org.apache.felix.scr", "com.sun.jna", "com.google.gson",
                "org.terroir.lib-onnxruntime", "org.terroir.backend-onnx");
        osgi.install(Path.of("target", "classes"));
        osgi.startAll();
        return osgi;
    }
}

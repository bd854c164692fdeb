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
        // slf4j (imported by lib-onnxruntime) requires the ServiceLoader mediator and its asm, as in the distribution
        osgi.installFromClassPath("org.objectweb.asm", "org.objectweb.asm.tree", "org.objectweb.asm.tree.analysis",
                "org.objectweb.asm.commons", "org.objectweb.asm.util", "org.apache.aries.spifly.dynamic.bundle",
                "slf4j.api", "slf4j.jdk14", "org.terroir.api", "org.osgi.util.function", "org.osgi.util.promise",
                "org.osgi.service.component", "org.apache.felix.scr", "com.sun.jna", "com.google.gson",
                "org.terroir.lib-onnxruntime", "org.terroir.backend-onnx");
        osgi.install(Path.of("target", "classes"));
        osgi.startAll();
        return osgi;
    }

    /** One short greedy chat answer from the model (a use, for the least-recently-used order); its token count. */
    static int use(org.terroir.api.inference.LoadedModel model) {
        return model.generate(org.terroir.api.inference.GenerationRequest.chat(
                java.util.List.of(org.terroir.api.inference.ChatMessage.user("the wine")),
                org.terroir.api.inference.Sampling.greedy(2)), org.terroir.api.inference.TokenListener.NONE)
                .await().generatedTokens();
    }
}

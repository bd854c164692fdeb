package org.terroir.backend.llamacpp.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/**
 * This bundle as the framework would show it, built from the Maven output: its classes folder and the llama jar
 * that bnd embeds as lib/llama.jar. Lets the tests run the real {@link BundleWorkerClasspath}.
 */
final class TestBundle {
    static final Path CLASSES = Path.of(System.getProperty("terroir.llamacpp.test.classes", "target/classes"));
    static final Path LLAMA_JAR = Path.of(System.getProperty("terroir.llamacpp.test.llamaJar",
            "target/embedded/llama.jar"));

    private TestBundle() {
    }

    static Bundle create(long lastModified) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getVersion": return new Version(0, 1, 0, "test");
                        case "getLastModified": return lastModified;
                        case "getSymbolicName": return "org.terroir.backend-llamacpp";
                        case "getEntry": return entry((String) args[0]);
                        case "findEntries": return findEntries((String) args[0], (String) args[1]);
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static URL entry(String name) throws MalformedURLException {
        Path file = name.equals("lib/llama.jar") ? LLAMA_JAR : CLASSES.resolve(name);
        return Files.exists(file) ? file.toUri().toURL() : null;
    }

    private static java.util.Enumeration<URL> findEntries(String folder, String pattern) {
        String suffix = pattern.substring(pattern.indexOf('*') + 1);
        try (Stream<Path> files = Files.list(CLASSES.resolve(folder))) {
            List<URL> urls = files.filter(f -> f.getFileName().toString().endsWith(suffix)).map(f -> {
                try {
                    return f.toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.toList());
            return urls.isEmpty() ? null : Collections.enumeration(urls);
        } catch (IOException e) {
            return null;
        }
    }
}

package org.terroir.itest.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.terroir.api.inference.InferenceBackend;
import org.terroir.testkit.model.ScriptedModel;

/**
 * Packs a test's plugin backend into a bundle as a plugin author's build would: a manifest importing the api, a DS
 * descriptor registering the backend, the backend's classes and testkit's {@link ScriptedModel} it serves.
 */
public final class PluginJar {
    private PluginJar() {
    }

    /** Writes {@code jar}: bundle {@code symbolicName}, whose component registers {@code backend} as {@code id}. */
    public static void write(Path jar, String symbolicName, Class<? extends InferenceBackend> backend, String id)
            throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "org.terroir.api;version=\"[1.0,2)\","
                + "org.terroir.api.energy;version=\"[1.0,2)\",org.terroir.api.inference;version=\"[1.0,2)\"");
        main.putValue("Service-Component", "OSGI-INF/" + id + ".xml");
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.4.0" name="%s-backend">
                  <property name="terroir.backend.id" value="%s"/>
                  <service><provide interface="org.terroir.api.inference.InferenceBackend"/></service>
                  <implementation class="%s"/>
                </scr:component>
                """.formatted(id, id, backend.getName());
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.putAll(classesOf(backend));
        classes.putAll(classesOf(ScriptedModel.class));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("OSGI-INF/" + id + ".xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.putNextEntry(new JarEntry(c.getKey()));
                out.write(c.getValue());
            }
        }
    }

    /** The class files of a top-level class and of its nested and anonymous classes, from a folder or a jar. */
    private static Map<String, byte[]> classesOf(Class<?> type) throws IOException {
        String folder = type.getPackageName().replace('.', '/') + "/";
        String simple = type.getSimpleName();
        Map<String, byte[]> found = new LinkedHashMap<>();
        Path source;
        try {
            source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.list(source.resolve(folder))) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals(simple + ".class") || name.startsWith(simple + "$")) {
                        found.put(folder + name, Files.readAllBytes(f));
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    String name = e.getName();
                    if (name.equals(folder + simple + ".class") || name.startsWith(folder + simple + "$")) {
                        try (InputStream in = jar.getInputStream(e)) {
                            found.put(name, in.readAllBytes());
                        }
                    }
                }
            }
        }
        if (found.isEmpty()) {
            throw new IOException("no class files of " + type.getName() + " in " + source);
        }
        return found;
    }
}

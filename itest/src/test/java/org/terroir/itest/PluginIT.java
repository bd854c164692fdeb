package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.BackendInfo;
import org.terroir.itest.plugin.EchoBackend;
import org.terroir.itest.plugin.EchoModel;

/** A third-party backend dropped into plugins/ while the platform runs, then taken away. */
class PluginIT {
    @TempDir
    Path dir;

    @Test
    void aPluginBundleDroppedIntoPluginsServesAndLeavesWhenRemoved() throws Exception {
        try (PlatformFixture fixture = PlatformFixture.start(dir.resolve("home"))) {
            Path jar = dir.resolve("echo-plugin.jar");
            writePlugin(jar);
            Path deployed = fixture.home.resolve("plugins/echo-plugin.jar");
            Files.copy(jar, deployed);
            assertTrue(waitFor(() -> hasBackend(fixture, "echo")), "the plugin's backend registers");

            Path model = dir.resolve("parrot.echo");
            Files.writeString(model, "echo model");
            PlatformFixture.Result run = fixture.shell("load " + model + "; ask --raw bonjour tout le monde");
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("bonjour tout le monde"), run.out());

            Files.delete(deployed);
            assertTrue(waitFor(() -> !hasBackend(fixture, "echo")), "removing the file unregisters the backend");
            assertTrue(fixture.models().loaded().isEmpty(), "its model is forgotten");
            assertTrue(hasBackend(fixture, "llamacpp"), "the built-in backend is untouched");
        }
    }

    private static boolean hasBackend(PlatformFixture fixture, String id) {
        List<BackendInfo> backends = fixture.models().backends();
        return backends.stream().anyMatch(b -> b.id().equals(id));
    }

    /** Packs the plugin classes with a manifest and a DS descriptor, as a plugin author's build would. */
    static void writePlugin(Path jar) throws IOException, ClassNotFoundException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.terroir.itest.plugin.echo");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package",
                "org.terroir.api;version=\"[1.0,2)\",org.terroir.api.inference;version=\"[1.0,2)\"");
        main.putValue("Service-Component", "OSGI-INF/echo.xml");
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.4.0" name="echo-backend">
                  <property name="terroir.backend.id" value="echo"/>
                  <service><provide interface="org.terroir.api.inference.InferenceBackend"/></service>
                  <implementation class="org.terroir.itest.plugin.EchoBackend"/>
                </scr:component>
                """;
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("OSGI-INF/echo.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            for (Class<?> type : List.of(EchoBackend.class, EchoModel.class, Class.forName(EchoModel.class.getName()
                    + "$1"))) {
                String name = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
            }
        }
    }

    private static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}

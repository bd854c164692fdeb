package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.BackendInfo;
import org.terroir.itest.plugin.EchoBackend;
import org.terroir.itest.plugin.PluginJar;

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
            assertTrue(Await.until(() -> hasBackend(fixture, "echo")), "the plugin's backend registers");

            Path model = dir.resolve("parrot.echo");
            Files.writeString(model, "echo model");
            PlatformFixture.Result run = fixture.shell("load " + model + "; ask --raw bonjour tout le monde");
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("bonjour tout le monde"), run.out());

            Files.delete(deployed);
            assertTrue(Await.until(() -> !hasBackend(fixture, "echo")), "removing the file unregisters the backend");
            assertTrue(fixture.models().loaded().isEmpty(), "its model is forgotten");
            assertTrue(hasBackend(fixture, "llamacpp"), "the built-in backend is untouched");
        }
    }

    private static boolean hasBackend(PlatformFixture fixture, String id) {
        List<BackendInfo> backends = fixture.models().backends();
        return backends.stream().anyMatch(b -> b.id().equals(id));
    }

    /** Packs the plugin's classes with a manifest and a DS descriptor, as a plugin author's build would. */
    static void writePlugin(Path jar) throws IOException {
        PluginJar.write(jar, "org.terroir.itest.plugin.echo", EchoBackend.class, "echo");
    }
}

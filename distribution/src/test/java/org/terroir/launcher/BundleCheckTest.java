package org.terroir.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's check of the assembled bundle set, on small distributions of its own made of a real bundle (OSGi's
 * function package, from the class path) and jars written here: what passes, and each fault it must refuse.
 */
class BundleCheckTest {
    @TempDir
    Path dir;

    /** A real bundle that imports nothing: org.osgi.util.function's jar. */
    private static Path realBundle() throws Exception {
        return Path.of(Class.forName("org.osgi.util.function.Function").getProtectionDomain().getCodeSource()
                .getLocation().toURI());
    }

    private static void jar(Path file, String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    private Path dist(String name, String list) throws Exception {
        Path dist = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(dist.resolve("bundles"));
        Files.createDirectories(dist.resolve("etc"));
        Files.copy(realBundle(), dist.resolve("bundles/org.osgi.util.function.jar"));
        Files.writeString(dist.resolve(BundleSet.LIST), list, StandardCharsets.UTF_8);
        return dist;
    }

    @Test
    void aCompleteSetThatResolvesPasses() throws Exception {
        Path dist = dist("good", "# level, name\n2 org.osgi.util.function\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> problems = BundleCheck.check(dist, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(List.of(), problems);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 bundles of"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyFaultOfTheSetIsNamed() throws Exception {
        Path dist = dist("bad", "2 org.osgi.util.function\n3 test.needs.missing\n3 test.listed.absent\n"
                + "3 org.osgi.util.function\nfast test.bad.level\n");
        // a plain jar, not a bundle (as animal-sniffer-annotations was, installed and started as bundle 6)
        jar(dist.resolve("bundles/plain.jar"));
        // a bundle whose import nothing exports
        jar(dist.resolve("bundles/needs.jar"), "Bundle-ManifestVersion", "2", "Bundle-SymbolicName",
                "test.needs.missing", "Import-Package", "org.nowhere.to.be.found");
        // a bundle the list does not name
        jar(dist.resolve("bundles/unlisted.jar"), "Bundle-ManifestVersion", "2", "Bundle-SymbolicName",
                "test.unlisted");

        List<String> problems = BundleCheck.check(dist, new PrintStream(OutputStream.nullOutputStream()));
        String all = String.join("\n", problems);
        assertTrue(all.contains("plain.jar is not an OSGi bundle"), all);
        assertTrue(all.contains("test.unlisted") && all.contains("not in " + BundleSet.LIST), all);
        assertTrue(all.contains("test.listed.absent is listed in " + BundleSet.LIST + " but no jar"), all);
        assertTrue(all.contains("org.osgi.util.function is listed twice"), all);
        assertTrue(all.contains("expected \"<start level> <symbolic name> [background]\""), all);
        assertTrue(all.contains("test.needs.missing does not resolve") && all.contains("org.nowhere.to.be.found"),
                "the resolver's own words: " + all);
    }
}

package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.launcher.Platform;

/**
 * Two platforms in one JVM, as the launcher starts them (the api a bundle in each): each keeps its own home and its
 * own language, read from its framework's properties, not the JVM's.
 */
class TwoFrameworksIT {
    @TempDir
    Path dir;

    @Test
    void eachFrameworkKeepsItsOwnHomeAndLanguage() throws Exception {
        String jvmHome = System.getProperty("terroir.home");
        String jvmLang = System.getProperty("terroir.lang");
        try (Platform french = start(dir.resolve("home-fr"), "fr");
                Platform english = start(dir.resolve("home-en"), "en")) {
            // read while both run: the first one started is asked after the second
            assertEquals(dir.resolve("home-fr/models"), libraryRoot(french));
            assertEquals(dir.resolve("home-en/models"), libraryRoot(english));
            String fr = run(french, "ps");
            String en = run(english, "ps");
            assertTrue(fr.contains("Aucun modèle chargé"), fr);
            assertTrue(en.contains("No model is loaded"), en);
            assertEquals(jvmHome, System.getProperty("terroir.home"), "the JVM's properties are left as they were");
            assertEquals(jvmLang, System.getProperty("terroir.lang"));
        }
    }

    private static Platform start(Path home, String lang) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("terroir.lang", lang);
        try (ServerSocket socket = new ServerSocket(0)) {
            props.put("org.osgi.service.http.port", Integer.toString(socket.getLocalPort()));
        }
        props.put("org.apache.felix.http.host", "127.0.0.1");
        return Platform.start(PlatformFixture.dist(), home, false, props);
    }

    /** The model library's folder, through the platform's own class loaders (the api is not shared with this test). */
    private static Path libraryRoot(Platform platform) {
        return platform.withService("org.terroir.api.catalog.ModelLibrary", Duration.ofSeconds(60), library -> {
            try {
                return (Path) library.getClass().getMethod("root").invoke(library);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static String run(Platform platform, String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        platform.execute(command, new ByteArrayInputStream(new byte[0]), print, print);
        return out.toString(StandardCharsets.UTF_8);
    }
}

package org.terroir.template;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The interpreter in the jar is the npm package's own file, byte for byte, from the pinned version. */
class BundleTest {
    private static final Path PACKAGE = Path.of("target", "npm", "huggingface-jinja");

    @Test
    void bundleIsTheFetchedFileUnchanged() throws Exception {
        byte[] fetched = Files.readAllBytes(PACKAGE.resolve("package/dist/index.cjs"));
        try (InputStream in = ChatTemplate.class.getResourceAsStream("hf-jinja.cjs")) {
            assertArrayEquals(fetched, in.readAllBytes());
        }
        try (InputStream in = ChatTemplate.class.getResourceAsStream("/META-INF/licenses/huggingface-jinja-LICENSE")) {
            assertArrayEquals(Files.readAllBytes(PACKAGE.resolve("package/LICENSE")), in.readAllBytes());
        }
    }

    @Test
    void fetchedPackageIsThePinnedOne() throws Exception {
        Properties pinned = new Properties();
        try (InputStream in = ChatTemplate.class.getResourceAsStream("hf-jinja.properties")) {
            pinned.load(in);
        }
        assertEquals(pinned.getProperty("integrity"), Files.readString(PACKAGE.resolve(".integrity")));
        String manifest = Files.readString(PACKAGE.resolve("package/package.json"));
        assertEquals(true, manifest.contains("\"version\": \"" + pinned.getProperty("version") + "\""), manifest);
    }
}

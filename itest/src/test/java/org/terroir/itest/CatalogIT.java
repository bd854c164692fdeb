package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

/**
 * What a person does on day one, in the shell: see the machine, search the (imitation) Hub, pull a model that fits,
 * load it by its library name, ask it something — and what the shell says when the Hub is gone.
 */
class CatalogIT {
    @TempDir
    Path dir;

    @Test
    void fromHardwareToSearchToPullToLoadToAsk() throws Exception {
        try (ImitationHub hub = ImitationHub.start()) {
            hub.addTinyLlama("acme/Tiny-GGUF", dir.resolve("hub"), TensorType.Q8_0, TensorType.Q4_0);
            Path home = dir.resolve("home");
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint() + "\n");
            try (PlatformFixture fixture = PlatformFixture.start(home)) {
                PlatformFixture.Result hw = fixture.shell("hw");
                assertEquals(0, hw.status(), hw.err());
                assertTrue(hw.out().contains("It can run") && hw.out().contains("pull "), hw.out());
                PlatformFixture.Result details = fixture.shell("hw --details");
                assertEquals(0, details.status(), details.err());
                assertTrue(details.out().contains("Tier") && details.out().contains("SIMD"), details.out());

                PlatformFixture.Result search = fixture.shell("search tiny");
                assertEquals(0, search.status(), search.err());
                assertTrue(search.out().contains("acme/Tiny-GGUF"), search.out());

                PlatformFixture.Result files = fixture.shell("files acme/Tiny-GGUF");
                assertEquals(0, files.status(), files.err());
                assertTrue(files.out().contains("Q4_0") && files.out().contains("Q8_0"), files.out());

                PlatformFixture.Result pull = fixture.shell("pull acme/Tiny-GGUF:Q4_0");
                assertEquals(0, pull.status(), pull.err());
                Path pulled = fixture.home.resolve("models/acme/Tiny-GGUF/tiny-Q4_0.gguf");
                assertTrue(Files.isRegularFile(pulled), "the file is in the library: " + pull.out());
                try (var stream = Files.walk(fixture.home.resolve("models"))) {
                    assertFalse(stream.anyMatch(p -> p.toString().endsWith(".part")), "no .part left behind");
                }

                PlatformFixture.Result models = fixture.shell("models");
                assertTrue(models.out().contains("tiny-Q4_0.gguf"), models.out());

                PlatformFixture.Result ask = fixture.shell("load --ctx 256 --threads 2 acme/Tiny-GGUF:Q4_0; "
                        + "ask -n 8 -t 0 \"Bonjour\"");
                assertEquals(0, ask.status(), ask.err());
                assertTrue(ask.out().contains(" tokens, "), ask.out());
            }
        }
    }

    @Test
    void withoutTheHubTheStarterListStillAnswers() throws Exception {
        Path home = dir.resolve("offline");
        Files.createDirectories(home.resolve("conf"));
        // A port nothing listens on: the same as no network at all.
        Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=http://127.0.0.1:9\n");
        try (PlatformFixture fixture = PlatformFixture.start(home)) {
            PlatformFixture.Result search = fixture.shell("search qwen");
            assertTrue(search.out().contains("Qwen"), search.out() + search.err());
        }
    }
}

package org.terroir.catalog.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import org.terroir.api.i18n.Texts;
import org.terroir.catalog.internal.hub.HubClient;
import org.terroir.catalog.internal.hub.HubSettings;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.testkit.hub.ImitationHub;

/** Shared test material: real tiny GGUF files and clients of the imitation Hub. */
public final class Fixtures {
    private Fixtures() {
    }

    /** A real GGUF file (llama architecture, about 0.6 MB in Q8_0) as bytes. */
    public static byte[] tinyGguf(Path dir, TensorType type, long seed) {
        try {
            Path f = dir.resolve("tiny-" + type + "-" + seed + ".gguf");
            TinyLlama.unitTest().weightType(type).seed(seed).build().write(f);
            byte[] bytes = Files.readAllBytes(f);
            Files.delete(f);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client of the imitation Hub with quick retries, so that tests do not wait for back-off. */
    public static HubClient client(ImitationHub hub, String token) {
        return new HubClient(HubSettings.forEndpoint(hub.endpoint(), token).withRetries(4, Duration.ofMillis(10)));
    }

    /** Runs with the user's language set to {@code lang}. */
    public static <T> T inLanguage(String lang, Supplier<T> body) {
        String old = System.getProperty(Texts.LANG_PROPERTY);
        System.setProperty(Texts.LANG_PROPERTY, lang);
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(Texts.LANG_PROPERTY);
            } else {
                System.setProperty(Texts.LANG_PROPERTY, old);
            }
        }
    }
}

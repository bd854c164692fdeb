package org.terroir.catalog.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HubSettingsTest {
    private static HubSettings resolve(String endpoint, String token, Map<String, String> env) {
        return HubSettings.resolve(endpoint, token, "", 3128, Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                Duration.ofMillis(1), env);
    }

    @Test
    void configurationThenTheHubsVariablesThenHuggingFaceCo() {
        assertEquals(URI.create("https://huggingface.co"), resolve("", "", Map.of()).endpoint());
        assertNull(resolve("", "", Map.of()).token());
        Map<String, String> env = Map.of("HF_ENDPOINT", "https://hf-mirror.example/", "HF_TOKEN", "hf_env");
        assertEquals(URI.create("https://hf-mirror.example"), resolve("", "", env).endpoint());
        assertEquals("hf_env", resolve("", "", env).token());
        assertEquals(URI.create("http://127.0.0.1:8080"), resolve("http://127.0.0.1:8080", "hf_conf", env).endpoint());
        assertEquals("hf_conf", resolve("http://127.0.0.1:8080", "hf_conf", env).token());
        assertEquals("hf_old", resolve("", "", Map.of("HUGGING_FACE_HUB_TOKEN", "hf_old")).token());
    }
}

package org.terroir.testkit.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImitationHubTest {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private ImitationHub hub;
    private final byte[] content = new byte[10_000];

    @BeforeEach
    void start() {
        Arrays.fill(content, (byte) 7);
        content[5] = 1;
        hub = ImitationHub.start();
        hub.repo("acme/a-GGUF").downloads(30).file("a-q4_k_m.gguf", content).text("README.md", "# a");
        hub.repo("acme/b-GGUF").downloads(20).file("b-q8_0.gguf", content);
        hub.repo("acme/c-GGUF").downloads(10).file("c-f16.gguf", content);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HttpResponse<byte[]> get(String url, String range, String method) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void searchPagesWithTheLinkHeader() throws Exception {
        HttpResponse<byte[]> first = get(hub.endpoint() + "/api/models?search=acme&filter=gguf&sort=downloads&limit=2",
                null, "GET");
        String body = new String(first.body(), StandardCharsets.UTF_8);
        assertTrue(body.indexOf("acme/a-GGUF") < body.indexOf("acme/b-GGUF") && !body.contains("acme/c-GGUF"), body);
        String link = first.headers().firstValue("Link").orElseThrow();
        String next = link.substring(1, link.indexOf('>'));
        String second = new String(get(next, null, "GET").body(), StandardCharsets.UTF_8);
        assertTrue(second.contains("acme/c-GGUF") && !second.contains("acme/a-GGUF"), second);
        assertTrue(get(next, null, "GET").headers().firstValue("Link").isEmpty());
    }

    @Test
    void resolveRedirectsWithLinkedHeadersAndTheCdnServesRanges() throws Exception {
        HttpResponse<byte[]> head = get(hub.endpoint() + "/acme/a-GGUF/resolve/main/a-q4_k_m.gguf", null, "HEAD");
        assertEquals(302, head.statusCode());
        assertEquals("10000", head.headers().firstValue("X-Linked-Size").orElseThrow());
        assertEquals("\"" + hub.repo("acme/a-GGUF").sha256("a-q4_k_m.gguf") + "\"",
                head.headers().firstValue("X-Linked-Etag").orElseThrow());
        String location = head.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> part = get(location, "bytes=4-9", "GET");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 4-9/10000", part.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(content, 4, 10), part.body());
        hub.ignoreRange(true);
        assertEquals(200, get(location, "bytes=4-9", "GET").statusCode());
    }

    @Test
    void errorsCarryTheHubsErrorCodes() throws Exception {
        HttpResponse<byte[]> missing = get(hub.endpoint() + "/api/models/acme/nothing", null, "GET");
        assertEquals(401, missing.statusCode());
        assertEquals("RepoNotFound", missing.headers().firstValue("X-Error-Code").orElseThrow());
        HttpResponse<byte[]> entry = get(hub.endpoint() + "/acme/a-GGUF/resolve/main/nope.gguf", null, "GET");
        assertEquals(404, entry.statusCode());
        assertEquals("EntryNotFound", entry.headers().firstValue("X-Error-Code").orElseThrow());
        hub.repo("acme/gated").gated(true).file("g.gguf", content);
        assertEquals("GatedRepo", get(hub.endpoint() + "/acme/gated/resolve/main/g.gguf", null, "GET").headers()
                .firstValue("X-Error-Code").orElseThrow());
        hub.rateLimit(1, 3);
        HttpResponse<byte[]> limited = get(hub.endpoint() + "/api/models/acme/a-GGUF", null, "GET");
        assertEquals(429, limited.statusCode());
        assertEquals("3", limited.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(200, get(hub.endpoint() + "/api/models/acme/a-GGUF", null, "GET").statusCode());
    }

    @Test
    void servesRealTinyLlamaFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        hub.addTinyLlama("acme/Tiny-GGUF", dir, org.terroir.testkit.gguf.TensorType.Q8_0,
                org.terroir.testkit.gguf.TensorType.Q4_0);
        String info = new String(get(hub.endpoint() + "/api/models/acme/Tiny-GGUF?blobs=true", null, "GET").body(),
                StandardCharsets.UTF_8);
        assertTrue(info.contains("tiny-Q8_0.gguf") && info.contains("tiny-Q4_0.gguf") && info.contains("\"lfs\""), info);
        String location = get(hub.endpoint() + "/acme/Tiny-GGUF/resolve/main/tiny-Q4_0.gguf", null, "GET").headers()
                .firstValue("Location").orElseThrow();
        byte[] magic = get(location, "bytes=0-3", "GET").body();
        assertEquals("GGUF", new String(magic, StandardCharsets.US_ASCII));
    }

    @Test
    void corruptionFlipsTheChosenByte() throws Exception {
        hub.corruptByte(5);
        String location = get(hub.endpoint() + "/acme/a-GGUF/resolve/main/a-q4_k_m.gguf", null, "GET").headers()
                .firstValue("Location").orElseThrow();
        byte[] got = get(location, null, "GET").body();
        assertEquals(content.length, got.length);
        assertEquals((byte) (1 ^ 0x5A), got[5]);
    }
}

package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.itest.TerroirProcess;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Two Terroirs: B, the collective's shared server, a process of its own ({@code bin/terroir --server}, loopback,
 * {@code requireKeys}), gives a member a key with a small daily token quota ({@code key create … --tokens-per-day});
 * A, the member's own Terroir, uses B through {@code remote add … --key}. A's first answer from B is served (cut to
 * the quota), A's next one is refused by B and A says so (429, B's words quoted), B's usage of that key is what A was
 * told, and another of B's members is still served: the second Terroir enforces the member's quota.
 */
class SharedServerRemoteIT {
    private static final String MODEL = "local/tiny/tiny.gguf";
    @TempDir
    static Path dir;
    static Process b;
    static int bPort;
    static String member;
    static String other;
    static WebPlatform a;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void boot() throws Exception {
        Path bHome = dir.resolve("b-home");
        Path model = bHome.resolve("models/" + MODEL);
        Files.createDirectories(model.getParent());
        TinyLlama.unitTest().build().write(model);
        Process keys = launcher(bHome, "keys.log", "-c", "key create member --tokens-per-day 5; key create other");
        assertTrue(keys.waitFor(120, TimeUnit.SECONDS), "key create ended");
        List<String> secrets = Files.readString(dir.resolve("keys.log")).lines().map(String::strip)
                .filter(l -> l.startsWith("trr-")).toList();
        assertEquals(2, secrets.size(), Files.readString(dir.resolve("keys.log")));
        member = secrets.get(0);
        other = secrets.get(1);
        Files.createDirectories(bHome.resolve("conf"));
        Files.writeString(bHome.resolve("conf/org.terroir.web.cfg"), "requireKeys=true\n");
        try (ServerSocket socket = new ServerSocket(0)) {
            bPort = socket.getLocalPort();
        }
        b = launcher(bHome, "b.log", "--server", "--no-browser", "--port", Integer.toString(bPort));
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                if (bCall("/v1/models", null, other).statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                // not yet
            }
            assertTrue(b.isAlive(), () -> "B exited: " + read("b.log"));
            assertTrue(System.nanoTime() < end, () -> "B did not answer: " + read("b.log"));
            Thread.sleep(300);
        }
        a = WebPlatform.start(dir.resolve("a-home"));
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.destroy();
            if (!b.waitFor(60, TimeUnit.SECONDS)) {
                b.destroyForcibly();
            }
        }
    }

    static Process launcher(Path home, String log, String... args) throws Exception {
        return TerroirProcess.start(home, dir.resolve(log), Map.of("CI", "true"), args);
    }

    static String read(String log) {
        return TerroirProcess.log(dir.resolve(log));
    }

    static HttpResponse<String> bCall(String path, String json, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bPort + path))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofMinutes(2));
        if (json != null) {
            r.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}],"
                + "\"max_tokens\":8,\"temperature\":0}";
    }

    @Test
    void theSecondTerroirEnforcesTheMembersQuota() throws Exception {
        PlatformShell shell = new PlatformShell(a);
        String added = shell.run("remote add b http://127.0.0.1:" + bPort + "/v1 --key " + member + " --yes");
        assertTrue(added.contains("remote:b/" + MODEL), added);

        HttpResponse<String> first = a.send(HttpRequest.newBuilder(URI.create(a.base() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(chat("remote:b/" + MODEL))).build());
        assertEquals(200, first.statusCode(), "under the quota, B answers A: " + first.body());
        JsonObject usage = JsonParser.parseString(first.body()).getAsJsonObject().getAsJsonObject("usage");

        HttpResponse<String> second = a.send(HttpRequest.newBuilder(URI.create(a.base() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(chat("remote:b/" + MODEL))).build());
        assertEquals(429, second.statusCode(), "B refuses the member over its quota, A says so: " + second.body());
        assertTrue(second.body().contains("tokens of today"), "B's own words reach A's client: " + second.body());

        // B counted for that key what A was told, and serves its other members.
        HttpResponse<String> direct = bCall("/v1/chat/completions", chat(MODEL), member);
        assertEquals(429, direct.statusCode(), direct.body());
        assertEquals("tokens", JsonParser.parseString(direct.body()).getAsJsonObject().getAsJsonObject("error")
                .get("type").getAsString());
        HttpResponse<String> served = bCall("/v1/chat/completions", chat(MODEL), other);
        assertEquals(200, served.statusCode(), served.body());
        assertTrue(usage.get("total_tokens").getAsLong() >= 5, "the first answer used the day's 5 tokens: " + usage);
    }

    /** The shell of the in-process platform A. */
    private record PlatformShell(WebPlatform web) {
        String run(String command) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int status;
            try (java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)) {
                status = web.platform.execute(command, new java.io.ByteArrayInputStream(new byte[0]), o, o);
            }
            String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, status, command + ": " + text);
            return text;
        }
    }
}

package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.LoadOptions;
import org.terroir.itest.plugin.SlowBackend;
import org.terroir.itest.plugin.PluginJar;
import org.terroir.itest.Await;

/**
 * Every request bounded, with a misbehaving plugin backend dropped into plugins/: a generation runs at most
 * {@code maxGenerationSeconds}; a non-streamed request whose client went away is cancelled; a {@code load()} that
 * hangs is given up after {@code loadTimeoutSeconds} without holding the load lock; one that returns null is refused
 * with the plugin's name, and {@code /v1/models} keeps answering.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BoundedWorkIT {
    @TempDir
    static Path dir;
    static WebPlatform web;
    static String model;

    @BeforeAll
    static void boot() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/org.terroir.web.cfg"), "maxGenerationSeconds=5\n");
        Files.writeString(home.resolve("conf/org.terroir.runtime.cfg"), "loadTimeoutSeconds=2\n");
        web = WebPlatform.start(home);
        Path jar = dir.resolve("slow-plugin.jar");
        writePlugin(jar);
        Files.copy(jar, home.resolve("plugins/slow-plugin.jar"));
        assertTrue(Await.until(() -> web.models().backends().stream().anyMatch(b -> b.id().equals("slow"))),
                "the plugin's backend registers");
        Path ticker = Files.writeString(dir.resolve("ticker.slow"), "slow");
        web.models().load(ticker.toString(), LoadOptions.defaults());
        model = web.models().loaded().get(0).id();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    private static String chat(int maxTokens, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"max_tokens\":"
                + maxTokens + ",\"stream\":" + stream + "}";
    }

    @Test
    @Order(1)
    void aGenerationEndsAtTheTimeLimitStreamedOrNot() throws Exception {
        long start = System.nanoTime();
        RawHttp.Answer whole = RawHttp.send(web.port, "POST", "/v1/chat/completions",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Content-Type", "application/json"),
                chat(1_000_000, false).getBytes(StandardCharsets.UTF_8), 20_000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, whole.status(), whole.body());
        assertTrue(millis >= 4500 && millis < 9000, "ended after " + millis + " ms");
        assertTrue(whole.body().contains("\"finish_reason\":\"length\"") && whole.body().contains("tick"),
                whole.body().substring(0, Math.min(300, whole.body().length())));

        start = System.nanoTime();
        RawHttp.Answer streamed = RawHttp.send(web.port, "POST", "/v1/chat/completions",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Content-Type", "application/json"),
                chat(1_000_000, true).getBytes(StandardCharsets.UTF_8), 20_000);
        millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, streamed.status());
        assertTrue(millis >= 4500 && millis < 9000, "ended after " + millis + " ms");
        assertTrue(streamed.body().contains("\"finish_reason\":\"length\"") && streamed.body().contains("[DONE]"));
    }

    @Test
    @Order(2)
    void aNonStreamedRequestWhoseClientLeftIsCancelled() throws Exception {
        int before = Integer.getInteger(SlowBackend.CANCELLED, 0);
        byte[] body = chat(1_000_000, false).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", web.port), 5000);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + web.port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            Thread.sleep(300);
        } // the client leaves
        long start = System.nanoTime();
        assertTrue(Await.until(() -> Integer.getInteger(SlowBackend.CANCELLED, 0) > before),
                "the generation of a client that left was cancelled");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 4000, "cancelled " + millis + " ms after the client left, before the time limit");
    }

    @Test
    @Order(3)
    void aLoadThatHangsIsGivenUpAndANullModelIsRefusedByName() throws Exception {
        Path hang = Files.writeString(dir.resolve("stuck.hang.slow"), "slow");
        long start = System.nanoTime();
        java.util.concurrent.CompletableFuture<?> hanging = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> web.models().load(hang.toString(), LoadOptions.defaults()));
        // while it loads, /health is still ready and names it
        String health = "";
        while (!hanging.isDone() && !health.contains("stuck")) {
            health = web.get("/health").body();
            Thread.sleep(50);
        }
        assertTrue(health.contains("\"status\":\"ok\"") && health.contains("\"loading\"")
                && health.contains("stuck"), "/health during the load: " + health);
        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> hanging.get(30, java.util.concurrent.TimeUnit.SECONDS));
        TerroirException timeout = (TerroirException) failed.getCause();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 10_000, "given up after " + millis + " ms");
        assertEquals("model.load.timeout", timeout.code());
        assertTrue(timeout.getMessage().contains("org.terroir.itest.plugin.slow")
                && timeout.getMessage().contains("loadTimeoutSeconds"), timeout.getMessage());

        Path nothing = Files.writeString(dir.resolve("empty.null.slow"), "slow");
        TerroirException refused = assertThrows(TerroirException.class,
                () -> web.models().load(nothing.toString(), LoadOptions.defaults()));
        assertEquals("model.load.null", refused.code());
        assertTrue(refused.getMessage().contains("org.terroir.itest.plugin.slow"), refused.getMessage());

        assertEquals(200, web.get("/v1/models").statusCode(), "the model list still answers");
        assertEquals(1, web.models().loaded().size(), "nothing half-loaded is kept");
        Path another = Files.writeString(dir.resolve("again.slow"), "slow");
        web.models().load(another.toString(), LoadOptions.defaults());
        assertEquals(2, web.models().loaded().size(), "the load lock was not held by the stuck load");
    }

    /** Packs the plugin's classes with a manifest and a DS descriptor, as a plugin author's build would. */
    static void writePlugin(Path jar) throws IOException {
        PluginJar.write(jar, "org.terroir.itest.plugin.slow", SlowBackend.class, "slow");
    }
}

package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * The real launcher ({@code bin/terroir}) as a user starts it, each test a process of its own with a bounded wait:
 * {@code --server} and {@code --port} serve the page on 127.0.0.1 and stop on SIGTERM with the llama.cpp worker, a
 * busy port is one line in the user's language (no trace) and {@code --port-auto} takes the next one, started without
 * a terminal (stdin {@code /dev/null}, as from a desktop entry) it serves and opens the page with its secret in the
 * browser ({@code TERROIR_BROWSER} stands in for it), and {@code --no-browser} / {@code CI=true} do not.
 */
class LauncherIT {
    private static final Pattern PAGE = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/\\?token=([A-Za-z0-9_-]+)");
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopAll() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Process launch(Map<String, String> env, String... args) throws IOException {
        Process process = TerroirProcess.start(dir.resolve("home"), dir.resolve("out-" + started.size() + ".log"), env,
                args);
        started.add(process);
        return process;
    }

    private String output(Process p) throws IOException {
        return Files.readString(dir.resolve("out-" + started.indexOf(p) + ".log"), StandardCharsets.UTF_8);
    }

    /** Waits (bounded) until the output holds {@code text}; the output. */
    private String await(Process p, String text) throws Exception {
        long end = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < end) {
            String out = output(p);
            if (out.contains(text)) {
                return out;
            }
            if (!p.isAlive()) {
                throw new AssertionError("exited " + p.exitValue() + " before \"" + text + "\": " + out);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no \"" + text + "\" within " + START + ": " + output(p));
    }

    private static void assertNoTrace(String out) {
        assertFalse(out.contains("Exception") || out.matches("(?s).*\\n\\s+at [a-z].*"), "a stack trace: " + out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void serverServesThePageOnItsPortAndStopsOnSigtermWithItsWorkers() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
        Files.createDirectories(dir.resolve("home/conf"));
        Files.writeString(dir.resolve("home/conf/org.terroir.web.cfg"), "allowModelPaths=true\n");
        int port = freePort();
        Process p = launch(Map.of("DISPLAY", ":99", "TERROIR_BROWSER", "/bin/false"), "--server", "--port",
                Integer.toString(port));
        String out = await(p, "Terroir is running");
        Matcher page = PAGE.matcher(out);
        assertTrue(page.find(), "the page's address with its secret: " + out);
        assertEquals(Integer.toString(port), page.group(1), out);

        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("Terroir"), index.body());
        HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(URI.create(page.group()))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(withToken.headers().firstValue("set-cookie").orElse("").startsWith("terroir_page_" + port + "="),
                "the printed address opens the page: " + withToken.headers().map());

        // A model loaded on demand: its llama.cpp worker is a child process, which SIGTERM must end too.
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/chat/completions")).timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":2,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, chat.statusCode(), chat.body());
        List<ProcessHandle> children = p.descendants().toList();
        assertFalse(children.isEmpty(), "a worker process runs the model");

        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(40, TimeUnit.SECONDS), "stopped within 40 s of SIGTERM");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertTrue(children.stream().noneMatch(ProcessHandle::isAlive), "workers left behind: " + children);
        assertNoTrace(output(p));
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            throw new AssertionError("port " + port + " still answers after the stop");
        } catch (IOException expected) {
            // nothing listens any more
        }
    }

    /** The page's API of a started Terroir: its address, its secret's cookie and header. */
    private HttpResponse<String> page(String out, String method, String call, String json) throws Exception {
        Matcher page = PAGE.matcher(out);
        assertTrue(page.find(), "the page's address with its secret: " + out);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + page.group(1) + "/api/"
                + call)).timeout(Duration.ofSeconds(30)).header("X-Terroir-Page", "1")
                .header("Cookie", "terroir_page_" + page.group(1) + "=" + page.group(2));
        request = json == null ? request.GET() : request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePagesSettingsAreKeptAcrossARestart() throws Exception {
        int port = freePort();
        int moved = freePort();
        Process first = launch(Map.of(), "--server", "--port", Integer.toString(port));
        String out = await(first, "Terroir is running");
        HttpResponse<String> saved = page(out, "POST", "settings", "{\"idleUnloadMinutes\":7,\"threads\":1,"
                + "\"language\":\"fr\",\"country\":\"BE\",\"port\":" + moved + "}");
        assertEquals(200, saved.statusCode(), saved.body());
        Path httpConf = dir.resolve("home/conf/org.apache.felix.http.cfg");
        assertTrue(Files.readString(httpConf).contains("org.osgi.service.http.port=" + moved), "the port is kept in conf/");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(httpConf)));
        first.destroy();
        assertTrue(first.waitFor(40, TimeUnit.SECONDS), "stopped within 40 s of SIGTERM");

        Process second = launch(Map.of(), "--server");
        String again = await(second, "Terroir is running");
        assertTrue(again.contains("http://127.0.0.1:" + moved + "/?token="), "served on the port chosen: " + again);
        HttpResponse<String> settings = page(again, "GET", "settings", null);
        assertEquals(200, settings.statusCode(), settings.body());
        String body = settings.body();
        for (String kept : List.of("\"idleUnloadMinutes\":7", "\"threads\":1", "\"language\":\"fr\"",
                "\"country\":\"BE\"", "\"port\":" + moved)) {
            assertTrue(body.contains(kept), kept + " after the restart: " + body);
        }
        assertNoTrace(output(second));
    }

    @Test
    void aBusyPortIsOneLineInTheUsersLanguageAndPortAutoTakesTheNextOne() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = busy.getLocalPort();
            for (String[] lang : new String[][] {{"fr", "Le port " + port + " est déjà pris"},
                    {"en", "Port " + port + " is already in use"}}) {
                Process p = launch(Map.of(), "--server", "--lang", lang[0], "--port", Integer.toString(port));
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a busy port ends at once");
                String out = output(p);
                assertEquals(3, p.exitValue(), out);
                assertEquals(1, out.strip().lines().count(), "one line: " + out);
                assertTrue(out.startsWith(lang[1]), out);
                assertTrue(out.contains("--port-auto") && out.matches("(?s).*--port \\d+.*"), out);
                assertNoTrace(out);
            }
            Process p = launch(Map.of(), "--server", "--port-auto", "--port", Integer.toString(port));
            String out = await(p, "Terroir is running");
            Matcher page = PAGE.matcher(out);
            assertTrue(page.find(), out);
            int taken = Integer.parseInt(page.group(1));
            assertTrue(taken > port, out);
            assertTrue(out.startsWith("Port " + port + " is already in use: Terroir uses port " + taken + "."), out);
            HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + taken
                    + "/")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, index.statusCode());
            p.destroy();
            assertTrue(p.waitFor(40, TimeUnit.SECONDS));
            assertNoTrace(output(p));
        }
    }

    @Test
    void withoutATerminalItServesAndOpensThePageUnlessToldNot() throws Exception {
        Path calls = dir.resolve("browser.calls");
        Path browser = dir.resolve("browser");
        Files.writeString(browser, "#!/bin/sh\necho \"$1\" >> '" + calls + "'\n");
        browser.toFile().setExecutable(true);
        Map<String, String> desktop = Map.of("DISPLAY", ":99", "TERROIR_BROWSER", browser.toString());

        // As from a desktop entry: no terminal, no option. The "Invalid BundleContext" came from here.
        Process p = launch(desktop, "--port", Integer.toString(freePort()));
        String out = await(p, "Terroir is running");
        assertTrue(out.startsWith("No terminal: Terroir runs without its shell"), out);
        Matcher page = PAGE.matcher(out);
        assertTrue(page.find(), out);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(calls) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(calls), "the browser was asked to open the page: " + out);
        assertEquals(page.group(), Files.readString(calls).strip(), "opened with the page's secret");
        assertTrue(p.isAlive(), "still serving");
        p.destroy();
        assertTrue(p.waitFor(40, TimeUnit.SECONDS));
        assertNoTrace(output(p));
        Files.delete(calls);

        for (List<String> quiet : List.of(List.of("--no-browser"), List.of("--server"), List.of("CI=true"))) {
            Map<String, String> env = new java.util.HashMap<>(desktop);
            List<String> args = new ArrayList<>(List.of("--port", Integer.toString(freePort())));
            if (quiet.get(0).startsWith("CI=")) {
                env.put("CI", "true");
            } else {
                args.addAll(quiet);
            }
            Process q = launch(env, args.toArray(String[]::new));
            await(q, "Terroir is running");
            Thread.sleep(1500);
            q.destroy();
            assertTrue(q.waitFor(40, TimeUnit.SECONDS));
            assertFalse(Files.exists(calls), quiet + ": no browser");
        }
    }

    @Test
    void badOptionsAreOneLineAndAWindowsPathReachesTheCommand() throws Exception {
        Process p = launch(Map.of(), "--lang", "fr", "--port", "huit");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertEquals("--port attend un nombre entre 1 et 65535, pas « huit ».", output(p).strip());

        Process q = launch(Map.of(), "--frobnicate");
        assertTrue(q.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, q.exitValue());
        assertEquals("Unknown option: --frobnicate (terroir --help lists them).", output(q).strip());

        Process r = launch(Map.of(), "-c", "inspect C:\\Users\\me\\model.gguf");
        assertTrue(r.waitFor(60, TimeUnit.SECONDS));
        String out = output(r);
        assertEquals(1, r.exitValue(), out);
        assertTrue(out.contains("\"C:\\Users\\me\\model.gguf\""), "the path as typed: " + out);
        assertNoTrace(out);
    }
}

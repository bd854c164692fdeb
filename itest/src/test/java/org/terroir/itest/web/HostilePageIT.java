package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.web.ApiKeys;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.testkit.hub.ImitationHub;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;

/**
 * A person who uses Terroir's page (so the browser holds the page's cookie) visits hostile pages in a real headless
 * Chromium: one from another site on another loopback address ({@code evil.example} → 127.0.0.2), one from another
 * port of 127.0.0.1 (same site for cookies), and a DNS-rebinding stand-in ({@code rebind.example} → 127.0.0.1, so the
 * page's requests reach Terroir with a foreign Host). They try every state-changing call with no-cors fetches
 * (text/plain, blobs), beacons, CORS requests, form posts and reads. Afterwards nothing has changed: models loaded,
 * library, conversations and their settings, downloads, files under TERROIR_HOME, settings in conf/, keys.
 */
class HostilePageIT {

    @TempDir
    static Path dir;
    static WebPlatform web;
    static ImitationHub hub;
    static String libraryName;
    static String modelId;
    static String conversation;
    static final List<HttpServer> attackers = new ArrayList<>();

    @BeforeAll
    static void boot() throws Exception {
        hub = ImitationHub.start();
        hub.addTinyLlama("terroir-test/Tiny-GGUF", dir.resolve("hub"));
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint() + "\n");
        web = WebPlatform.start(home);
        Path model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
        libraryName = web.service(ModelLibrary.class).importFile(model, "local/tiny", ImportMode.COPY).name();
        web.models().load(libraryName, LoadOptions.defaults().withContextLength(256).withThreads(1));
        modelId = web.models().loaded().get(0).id();
        conversation = JsonParser.parseString(web.post("/api/conversations", "{\"modelRef\":\"" + modelId
                + "\",\"title\":\"mine\",\"systemPrompt\":\"original prompt\"}").body()).getAsJsonObject().get("id")
                .getAsString();
        web.service(ApiKeys.class).create("robot");
    }

    @AfterAll
    static void shutdown() throws Exception {
        attackers.forEach(s -> s.stop(0));
        if (web != null) {
            web.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /** Everything an attack could change, as text. */
    static Map<String, String> state() throws Exception {
        Map<String, String> state = new TreeMap<>();
        state.put("models", names(web.get("/api/models").body(), "id"));
        state.put("library", names(web.get("/api/library").body(), "name"));
        state.put("downloads", web.get("/api/downloads").body());
        state.put("conversations", web.get("/api/conversations").body().replaceAll("\"(updatedAt|seq)\":[^,}]*", ""));
        state.put("conversation", web.get("/api/conversations/" + conversation).body());
        state.put("keys", String.valueOf(web.service(ApiKeys.class).list().size()));
        Path home = web.platform.home();
        for (String folder : List.of("models", "conf", "plugins")) {
            try (Stream<Path> files = Files.walk(home.resolve(folder))) {
                StringBuilder listing = new StringBuilder();
                for (Path p : files.sorted().toList()) {
                    listing.append(home.relativize(p)).append(' ')
                            .append(Files.isRegularFile(p) ? Files.size(p) : -1).append('\n');
                    if (folder.equals("conf") && Files.isRegularFile(p)) {
                        listing.append(Files.readString(p));
                    }
                }
                state.put(folder, listing.toString());
            }
        }
        return state;
    }

    private static String names(String json, String field) {
        List<String> names = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            names.add(e.getAsJsonObject().get(field).getAsString());
        }
        return names.toString();
    }

    /** The attacker's page: every trick against every call that changes something. */
    static String attackPage(String target) {
        String c = conversation;
        String[][] calls = {
            { "/api/conversations", "{\"title\":\"pwned\",\"modelRef\":\"" + modelId + "\"}" },
            { "/api/conversations/" + c + "/update", "{\"systemPrompt\":\"pwned\",\"title\":\"pwned\"}" },
            { "/api/conversations/" + c + "/send", "{\"text\":\"pwned\"}" },
            { "/api/conversations/" + c + "/stop", "{}" },
            { "/api/downloads", "{\"repo\":\"terroir-test/Tiny-GGUF\",\"file\":\"tiny-Q8_0.gguf\"}" },
            { "/api/downloads-cancel", "{\"repo\":\"terroir-test/Tiny-GGUF\",\"file\":\"tiny-Q8_0.gguf\"}" },
            { "/api/library-remove", "{\"ref\":\"" + libraryName + "\"}" },
            { "/api/models-unload", "{\"id\":\"" + modelId + "\"}" },
            { "/api/models-load", "{\"ref\":\"" + libraryName + "\",\"contextLength\":128}" },
            { "/v1/chat/completions", "{\"model\":\"" + modelId + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}" },
            { "/v1/completions", "{\"model\":\"" + modelId + "\",\"prompt\":\"x\"}" },
            { "/v1/embeddings", "{\"model\":\"" + modelId + "\",\"input\":\"x\"}" },
            { "/ollama/api/chat", "{\"model\":\"" + modelId + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}" },
            { "/ollama/api/generate", "{\"model\":\"" + libraryName + "\",\"prompt\":\"\",\"keep_alive\":0}" },
            { "/ollama/api/embed", "{\"model\":\"" + modelId + "\",\"input\":\"x\"}" } };
        StringBuilder js = new StringBuilder("const T = '" + target + "'; const calls = [");
        for (String[] call : calls) {
            js.append("['").append(call[0]).append("', '").append(call[1].replace("'", "\\'")).append("'],");
        }
        js.append("];\n").append("""
                const results = [];
                async function attempt(name, f) {
                  try { const r = await f(); results.push(name + ' → ' + r); } catch (e) { results.push(name + ' → error ' + e.name); }
                }
                (async () => {
                  for (const [p, b] of calls) {
                    await attempt('text ' + p, async () => (await fetch(T + p, { method: 'POST', mode: 'no-cors', credentials: 'include',
                      headers: { 'Content-Type': 'text/plain' }, body: b })).type);
                    await attempt('no type ' + p, async () => (await fetch(T + p, { method: 'POST', mode: 'no-cors', credentials: 'include',
                      body: new Blob([b]) })).type);
                    await attempt('json blob ' + p, async () => (await fetch(T + p, { method: 'POST', mode: 'no-cors', credentials: 'include',
                      body: new Blob([b], { type: 'application/json' }) })).type);
                    await attempt('form data ' + p, async () => { const d = new FormData(); d.append('x', b);
                      return (await fetch(T + p, { method: 'POST', mode: 'no-cors', credentials: 'include', body: d })).type; });
                    await attempt('cors ' + p, async () => (await fetch(T + p, { method: 'POST', mode: 'cors', credentials: 'include',
                      headers: { 'Content-Type': 'application/json', 'X-Terroir-Page': '1' }, body: b })).status);
                    await attempt('beacon ' + p, async () => navigator.sendBeacon(T + p, new Blob([b], { type: 'text/plain' })));
                  }
                  await attempt('delete', async () => (await fetch(T + '/api/conversations/CONV', { method: 'DELETE', credentials: 'include' })).status);
                  await attempt('read conversations', async () => (await (await fetch(T + '/api/conversations', { credentials: 'include' })).text()).length);
                  await attempt('read models', async () => (await (await fetch(T + '/v1/models')).text()).length);
                  calls.forEach(([p, b], i) => {
                    const frame = document.createElement('iframe'); frame.name = 'f' + i; frame.id = 'f' + i; document.body.append(frame);
                    const form = document.createElement('form'); form.method = 'POST'; form.action = T + p; form.target = 'f' + i;
                    form.enctype = i % 2 ? 'text/plain' : 'application/x-www-form-urlencoded';
                    const input = document.createElement('input'); input.name = b.slice(0, -1) + ',"x":"'; input.value = '"}';
                    form.append(input); document.body.append(form); form.submit();
                  });
                  window.results = results;
                  document.title = 'attacked';
                })();
                """.replace("CONV", c));
        return "<!doctype html><html><head><title>cat pictures</title></head><body><h1>Cute cats</h1><script>"
                + js + "</script></body></html>";
    }

    static HttpServer attacker(String address, String target) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        byte[] page = attackPage(target).getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html;charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        attackers.add(server);
        return server;
    }

    @Test
    void hostilePagesChangeNothingAndReadNothing() throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        Map<String, String> before = state();
        String target = "http://127.0.0.1:" + web.port;
        HttpServer otherSite = attacker("127.0.0.2", target);
        HttpServer samePort = attacker("127.0.0.1", target);

        WebDriver driver = Chromium.start(dir, "en", "--host-resolver-rules=MAP evil.example 127.0.0.2, MAP rebind.example 127.0.0.1");
        List<String> outcomes = new ArrayList<>();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            // The person opens the page: the browser now holds its secret.
            driver.get(web.service(org.terroir.api.web.WebServer.class).pageUrl());
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#conv-list li[data-id='"
                    + conversation + "']")));

            for (String attackUrl : List.of("http://evil.example:" + otherSite.getAddress().getPort() + "/",
                    "http://127.0.0.1:" + samePort.getAddress().getPort() + "/")) {
                driver.get(attackUrl);
                wait.until(ExpectedConditions.titleIs("attacked"));
                @SuppressWarnings("unchecked")
                List<String> results = (List<String>) ((JavascriptExecutor) driver).executeScript("return window.results");
                outcomes.addAll(results);
                for (String r : results) {
                    if (r.startsWith("cors ") || r.startsWith("read ") || r.startsWith("delete")) {
                        assertTrue(r.endsWith("error TypeError"), "the browser let it through: " + r);
                    }
                }
                // Each form post landed in its frame: Terroir's refusal is what the frame shows.
                for (int i = 0; i < 12; i++) {
                    driver.switchTo().frame("f" + i);
                    String shown = new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
                        String text = d.findElement(By.tagName("body")).getText();
                        return text.isEmpty() ? null : text;
                    });
                    driver.switchTo().defaultContent();
                    outcomes.add(attackUrl + " form " + i + " → " + shown);
                    assertTrue(shown.contains("corsOrigins"), "form " + i + " from " + attackUrl + ": " + shown);
                }
            }

            // DNS rebinding: a page of rebind.example whose name now points here; its requests are same-origin.
            driver.get("http://rebind.example:" + web.port + "/");
            String page = driver.findElement(By.tagName("body")).getText();
            assertTrue(page.contains("allowedHosts") && !page.contains("Terroir"), page);
            String read = (String) ((JavascriptExecutor) driver).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    Promise.all([
                      fetch('/api/conversations').then(r => r.status + ' ' + r.statusText),
                      fetch('/v1/models').then(r => r.status + ''),
                      fetch('/api/conversations', { method: 'POST', headers: { 'Content-Type': 'application/json',
                        'X-Terroir-Page': '1' }, body: '{"title":"pwned"}' }).then(r => r.status + ''),
                      fetch('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                        body: '{"model":"MODEL","messages":[{"role":"user","content":"x"}]}' }).then(r => r.status + '')
                    ]).then(s => done(s.join(', ')), e => done('error ' + e));
                    """.replace("MODEL", modelId));
            outcomes.add("rebinding → " + read);
            assertTrue(read.matches("421.*, 421, 421, 421"), read);
        } finally {
            driver.quit();
        }
        outcomes.forEach(o -> System.out.println("attack: " + o));
        assertTrue(outcomes.size() >= 2 * (12 * 6 + 3 + 12) + 1, "tries: " + outcomes.size());
        Map<String, String> after = state();
        assertEquals(before, after, "a hostile page changed something");
        JsonArray conversations = JsonParser.parseString(web.get("/api/conversations").body()).getAsJsonArray();
        assertEquals(1, conversations.size());
        assertFalse(web.get("/api/conversations/" + conversation).body().contains("pwned"));
        assertTrue(web.get("/api/conversations/" + conversation).body().contains("original prompt"));
    }
}

package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.BackendInfo;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.TokenListener;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.itest.TerroirProcess;

/**
 * The remote backend against a second, real Terroir: the assembled distribution started as its own process
 * ({@code bin/terroir --server}) on another port, listening beyond loopback so that it demands an API key, serving a
 * tiny GGUF of its library through {@code /v1}. This platform (A) adds it with {@code remote add}, lists its model
 * beside the local ones (shell, {@code /v1/models}, the page's library JSON), streams from it, cancels, embeds, passes
 * tools through, refuses a wrong or missing key, asks for consent, forgets it when the bundle stops and finds it again
 * when it starts, and says clearly that the server is gone when it is killed in the middle of an answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteBackendIT {
    private static final String MODEL = "local/tiny/tiny.gguf";
    private static final String REMOTE = "remote:b/" + MODEL;
    private static final String TOOLS_MODEL = "local/tiny/hermes.gguf";
    static final String HERMES = org.terroir.testkit.gguf.ChatTemplates.HERMES;

    @TempDir
    static Path dir;
    static WebPlatform a;
    static Process b;
    static int bPort;
    static String key;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void boot() throws Exception {
        Path bHome = dir.resolve("b-home");
        Path model = bHome.resolve("models/" + MODEL);
        Files.createDirectories(model.getParent());
        TinyLlama.unitTest().build().write(model);
        // A second model whose template has a tool-call syntax (Hermes), so that the server can force a call.
        TinyLlama.unitTest().tiedOutput(false).weightType(org.terroir.testkit.gguf.TensorType.Q8_0).contextLength(1024)
                .chatTemplate(HERMES).build().write(bHome.resolve("models/" + TOOLS_MODEL));
        // A key first (the launcher runs the command and exits), then the server, which demands it even from this
        // machine (requireKeys, as a shared server behind a proxy): on loopback only, nothing of the test's is
        // offered to the network.
        Process keys = launcher(bHome, "keys.log", "-c", "keys create remote-test");
        assertTrue(keys.waitFor(120, TimeUnit.SECONDS), "keys create ended");
        String out = Files.readString(dir.resolve("keys.log"));
        key = out.lines().filter(l -> l.startsWith("  ") && l.strip().length() >= 20).map(String::strip).findFirst()
                .orElseThrow(() -> new AssertionError("no key in: " + out));
        bPort = freePort();
        Files.createDirectories(bHome.resolve("conf"));
        Files.writeString(bHome.resolve("conf/org.apache.felix.http.cfg"),
                "org.osgi.service.http.port=" + bPort + "\norg.apache.felix.http.host=127.0.0.1\n");
        Files.writeString(bHome.resolve("conf/org.terroir.web.cfg"), "requireKeys=true\n");
        b = launcher(bHome, "b.log", "--server", "--no-browser", "--port", Integer.toString(bPort));
        awaitB();
        a = WebPlatform.start(dir.resolve("a-home"));
    }

    static Process launcher(Path home, String log, String... args) throws Exception {
        return TerroirProcess.start(home, dir.resolve(log), Map.of("CI", "true"), args);
    }

    static void awaitB() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < end) {
            try {
                if (bGet("/v1/models").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not yet
            }
            assertTrue(b.isAlive(), () -> "B exited: " + read("b.log"));
            Thread.sleep(300);
        }
        throw new AssertionError("B did not answer: " + read("b.log"));
    }

    static String read(String log) {
        return TerroirProcess.log(dir.resolve(log));
    }

    static String bUrl() {
        return "http://127.0.0.1:" + bPort + "/v1";
    }

    static HttpResponse<String> bGet(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bPort + path))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> bPost(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bPort + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.descendants().forEach(ProcessHandle::destroyForcibly);
            b.destroyForcibly();
        }
    }

    record Result(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Result shell(String commands, String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = a.platform.execute(commands, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o,
                    e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertNoTrace(String text) {
        assertFalse(text.contains("Exception") || text.matches("(?s).*\\n\\s+at [a-z].*"), "a stack trace: " + text);
    }

    private static GenerationRequest greedy(String question, int tokens) {
        return GenerationRequest.chat(List.of(ChatMessage.user(question)), Sampling.greedy(tokens));
    }

    @Test
    @Order(1)
    void aWrongOrMissingKeyIsRefusedInWordsAndNothingIsStored() throws Exception {
        Result wrong = shell("remote add b " + bUrl() + " --key not-the-key --yes", "");
        assertNotEquals(0, wrong.status(), wrong.all());
        assertTrue(wrong.all().contains("refused the API key"), wrong.all());
        assertNoTrace(wrong.all());
        Result missing = shell("remote add b http://127.0.0.1:" + bPort + " --yes", "");
        assertTrue(missing.all().contains("wants an API key"), missing.all());
        Result unreachable = shell("remote add z http://127.0.0.1:" + freePort() + "/v1 --yes", "");
        assertTrue(unreachable.all().contains("cannot be reached"), unreachable.all());
        assertTrue(shell("remote list", "").out().contains("No remote server"));
        assertFalse(Files.exists(dir.resolve("a-home/data/remote-servers.json")));
    }

    @Test
    @Order(2)
    void addedServerModelsAreListedBesideLocalOnesMarkedRemote() throws Exception {
        Result added = shell("remote add b " + bUrl() + " --key " + key + " --yes", "");
        assertEquals(0, added.status(), added.all());
        assertTrue(added.out().contains(REMOTE), added.out());
        // The key is a secret of its own, 0600; the servers' file does not hold it.
        Path keyFile = dir.resolve("a-home/secrets/remote-b.key");
        assertEquals(key, Files.readString(keyFile).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        Path servers = dir.resolve("a-home/data/remote-servers.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(servers)));
        assertFalse(Files.readString(servers).contains(key));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())));

        Result models = shell("models", "");
        assertTrue(models.out().contains(REMOTE), models.all());
        assertTrue(models.out().toLowerCase().contains("remote"), models.all());
        Result backends = shell("backends", "");
        assertTrue(backends.out().contains("Remote server"), backends.all());
        // an answer's stats line says where the prompt went, in ask and in chat
        Result asked = shell("ask -m " + REMOTE + " -n 4 -t 0 hello", "");
        assertEquals(0, asked.status(), asked.all());
        assertTrue(asked.out().contains("remote: the prompt left this computer"), asked.all());
        Result chatted = shell("chat -m " + REMOTE, "hello\n/exit\n");
        assertTrue(chatted.out().contains("remote: the prompt left this computer"), chatted.all());
        // the other tests find the remote model in the library, not loaded
        a.models().loaded().stream().filter(m -> m.descriptor().name().equals(REMOTE))
                .forEach(m -> a.models().unload(m.id()));
        assertTrue(a.models().backends().stream().filter(BackendInfo::remote).map(BackendInfo::id).toList()
                .contains("remote"));
        assertTrue(a.models().backends().stream().filter(x -> !x.id().equals("remote")).noneMatch(BackendInfo::remote));

        JsonArray v1 = JsonParser.parseString(a.get("/v1/models").body()).getAsJsonObject().getAsJsonArray("data");
        assertTrue(ids(v1).contains(REMOTE), v1.toString());
        // The page's JSON (what its model list draws): the remote model carries source REMOTE.
        HttpResponse<String> library = a.get("/api/library");
        assertEquals(200, library.statusCode(), library.body());
        JsonObject entry = null;
        for (JsonElement e : JsonParser.parseString(library.body()).getAsJsonArray()) {
            if (e.getAsJsonObject().get("name").getAsString().equals(REMOTE)) {
                entry = e.getAsJsonObject();
            }
        }
        assertTrue(entry != null, library.body());
        assertEquals("REMOTE", entry.get("source").getAsString());

        // The page's Settings section (remote.js) reads /api/remote/servers; it is behind the guard like all /api.
        HttpResponse<String> servers2 = a.get("/api/remote/servers");
        assertEquals(200, servers2.statusCode(), servers2.body());
        JsonObject b = JsonParser.parseString(servers2.body()).getAsJsonArray().get(0).getAsJsonObject();
        assertEquals("b", b.get("name").getAsString());
        assertTrue(b.get("trusted").getAsBoolean());
        assertTrue(b.getAsJsonArray("models").toString().contains(REMOTE), b.toString());
        HttpResponse<String> unguarded = HTTP.send(HttpRequest.newBuilder(URI.create(a.base() + "/api/remote/servers"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unguarded.statusCode(), "the page's secret is needed");
        // Adding from the page without the confirm's consent is refused, and nothing is added.
        HttpResponse<String> noConsent = a.post("/api/remote/servers", "{\"name\":\"d\",\"url\":\"" + bUrl()
                + "\",\"key\":\"" + key + "\"}");
        assertEquals(400, noConsent.statusCode(), noConsent.body());
        assertTrue(noConsent.body().contains("agreement"), noConsent.body());
        assertFalse(a.get("/api/remote/servers").body().contains("\"d\""));
    }

    /**
     * The page in headless Chromium (skipped where Debian's chromium and chromium-driver are not installed): the
     * remote model is labelled remote in the library and the chooser, the Settings section lists the server and adds
     * one after its confirm, and a conversation with the remote model answers.
     */
    @Test
    @Order(3)
    void thePageMarksTheRemoteModelAddsAServerAfterItsConfirmAndChatsWithIt() throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        org.openqa.selenium.WebDriver driver = Chromium.start(dir, "en", "--window-size=1280,800");
        try {
            var wait = new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(90));
            driver.get(a.service(org.terroir.api.web.WebServer.class).pageUrl());
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable(
                    org.openqa.selenium.By.id("tab-library"))).click();
            org.openqa.selenium.By remoteItem = org.openqa.selenium.By.cssSelector(
                    "#library-list li[data-name='" + REMOTE + "']");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(remoteItem,
                    "remote: prompts leave this computer"));

            driver.findElement(org.openqa.selenium.By.id("tab-settings")).click();
            org.openqa.selenium.By bItem = org.openqa.selenium.By.cssSelector("#remote-list li[data-name='b']");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(bItem,
                    "trusted"));
            assertTrue(driver.findElement(bItem).getText().contains("1 model") || driver.findElement(bItem)
                    .getText().contains("2 models"), driver.findElement(bItem).getText());
            driver.findElement(org.openqa.selenium.By.id("remote-name")).sendKeys("e");
            driver.findElement(org.openqa.selenium.By.id("remote-url")).sendKeys(bUrl());
            driver.findElement(org.openqa.selenium.By.id("remote-key")).sendKeys(key);
            driver.findElement(org.openqa.selenium.By.id("remote-add")).click();
            var confirm = wait.until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent());
            assertTrue(confirm.getText().contains("leave this one"), confirm.getText());
            confirm.accept();
            org.openqa.selenium.By eItem = org.openqa.selenium.By.cssSelector("#remote-list li[data-name='e']");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(eItem,
                    "trusted"));
            driver.findElement(org.openqa.selenium.By.cssSelector("#remote-list li[data-name='e'] .remote-remove"))
                    .click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent()).accept();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated(eItem));
            assertFalse(Files.exists(dir.resolve("a-home/secrets/remote-e.key")));

            // A conversation with the remote model, from the page, as with a local one.
            driver.findElement(org.openqa.selenium.By.id("tab-chat")).click();
            org.openqa.selenium.By option = org.openqa.selenium.By.cssSelector(
                    "#model-select option[value='" + REMOTE + "']");
            // The chooser is redrawn while the chat refreshes: wait on locators, and select again if it was redrawn.
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(option,
                    "remote: prompts leave this computer"));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
                new org.openqa.selenium.support.ui.Select(d.findElement(org.openqa.selenium.By.id("model-select")))
                        .selectByValue(REMOTE);
                return true;
            });
            driver.findElement(org.openqa.selenium.By.id("new-conv")).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(
                    org.openqa.selenium.By.cssSelector("#conv-list li.current")));
            org.openqa.selenium.WebElement prompt = driver.findElement(org.openqa.selenium.By.id("prompt"));
            prompt.sendKeys("Bonjour !");
            prompt.sendKeys(org.openqa.selenium.Keys.ENTER);
            org.openqa.selenium.WebElement answer = wait.until(org.openqa.selenium.support.ui.ExpectedConditions
                    .presenceOfElementLocated(org.openqa.selenium.By.cssSelector("#messages li.msg.assistant.done")));
            String stats = answer.findElement(org.openqa.selenium.By.cssSelector(".stats")).getText();
            assertTrue(stats.contains("tokens") && stats.contains("remote: prompts leave this computer"), stats);
            assertTrue(a.models().loaded().stream().anyMatch(m -> m.descriptor().name().equals(REMOTE)));
        } finally {
            driver.quit();
        }
    }

    private static List<String> ids(JsonArray data) {
        List<String> ids = new ArrayList<>();
        data.forEach(e -> ids.add(e.getAsJsonObject().get("id").getAsString()));
        return ids;
    }

    @Test
    @Order(4)
    void streamsTheSameGreedyAnswerAsTheServerItself() throws Exception {
        LoadedModel model = a.models().load(REMOTE, LoadOptions.defaults());
        assertEquals(b("http://127.0.0.1:" + bPort + "/v1"), model.descriptor().property(ModelDescriptor.REMOTE));
        List<String> pieces = new CopyOnWriteArrayList<>();
        GenerationStats stats = model.generate(greedy("Say something.", 24), pieces::add).await();
        assertTrue(pieces.size() >= 2, "streamed in pieces: " + pieces);
        assertEquals(String.join("", pieces), stats.text());
        assertEquals(24, stats.generatedTokens(), "the server's own count");
        assertEquals(FinishReason.LENGTH, stats.finishReason());
        assertTrue(stats.promptTokens() > 0);

        JsonObject direct = JsonParser.parseString(bPost("/v1/chat/completions", "{\"model\":\"" + MODEL
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something.\"}],\"max_tokens\":24,"
                + "\"temperature\":0,\"seed\":0}").body()).getAsJsonObject();
        String directText = direct.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message")
                .get("content").getAsString();
        assertEquals(directText, stats.text(), "the same greedy answer as asked directly");

        // And through A's own /v1, streamed, as any program would.
        HttpResponse<String> sse = a.send(HttpRequest.newBuilder(URI.create(a.base() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + REMOTE + "\",\"stream\":true,\"max_tokens\":8,\"temperature\":0,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).build());
        assertEquals(200, sse.statusCode(), sse.body());
        assertTrue(sse.body().contains("data: [DONE]") && sse.body().split("\"delta\"").length > 3, sse.body());
    }

    private static String b(String url) {
        return url;
    }

    @Test
    @Order(5)
    void cancelStopsTheRemoteGenerationAtOnce() throws Exception {
        LoadedModel model = a.models().load(REMOTE, LoadOptions.defaults());
        CountDownLatch first = new CountDownLatch(3);
        Generation g = model.generate(greedy("Tell a long story.", 4000), t -> first.countDown());
        assertTrue(first.await(60, TimeUnit.SECONDS), "tokens arrive");
        long start = System.nanoTime();
        g.cancel();
        GenerationStats stats = g.result().get(10, TimeUnit.SECONDS);
        assertEquals(FinishReason.CANCELLED, stats.finishReason());
        assertTrue(stats.generatedTokens() < 4000);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        // The server is free again: the next answer comes.
        assertEquals(4, model.generate(greedy("Hi", 4), TokenListener.NONE).await().generatedTokens());
    }

    @Test
    @Order(6)
    void embeddingsAreTheServersOwn() throws Exception {
        LoadedModel model = a.models().load(REMOTE, LoadOptions.defaults().withEmbeddings(true));
        List<float[]> vectors = model.embed(List.of("bonjour", "good evening"));
        assertEquals(2, vectors.size());
        JsonArray data = JsonParser.parseString(bPost("/v1/embeddings", "{\"model\":\"" + MODEL
                + "\",\"input\":[\"bonjour\",\"good evening\"]}").body()).getAsJsonObject().getAsJsonArray("data");
        for (int i = 0; i < 2; i++) {
            JsonArray values = data.get(i).getAsJsonObject().getAsJsonArray("embedding");
            float[] direct = new float[values.size()];
            for (int j = 0; j < direct.length; j++) {
                direct[j] = values.get(j).getAsFloat();
            }
            assertArrayEquals(direct, vectors.get(i), 1e-6f);
        }
    }

    @Test
    @Order(7)
    void toolCallsArePassedThroughBothWays() throws Exception {
        LoadedModel model = a.models().load("remote:b/" + TOOLS_MODEL, LoadOptions.defaults());
        ToolDefinition weather = new ToolDefinition("get_weather", "The weather of a city",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":8}},"
                        + "\"required\":[\"city\"]}");
        GenerationRequest request = greedy("Weather in Paris?", 300).withTools(List.of(weather),
                ToolChoice.function("get_weather"));
        List<ToolCall> heard = new CopyOnWriteArrayList<>();
        // B is a Terroir whose model's template takes tools: a refusal is a failure here, never a skip.
        GenerationStats stats = model.generate(request, new TokenListener() {
            @Override
            public void onToken(String text) {
            }

            @Override
            public void onToolCall(ToolCall call) {
                heard.add(call);
            }
        }).await();
        assertEquals(FinishReason.TOOL_CALLS, stats.finishReason(), stats.toString());
        if (stats.toolCalls().size() != 1) {
            String direct = bPost("/v1/chat/completions", "{\"model\":\"" + TOOLS_MODEL + "\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],\"max_tokens\":300,"
                    + "\"temperature\":0,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    + "\"parameters\":" + weather.parametersJson() + "}}],\"tool_choice\":{\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\"}}}").body();
            throw new AssertionError("no call parsed from " + stats + "; the server streams: " + direct);
        }
        assertEquals("get_weather", stats.toolCalls().get(0).name());
        assertTrue(JsonParser.parseString(stats.toolCalls().get(0).argumentsJson()).getAsJsonObject().has("city"));
        assertEquals(stats.toolCalls(), heard);
        // The result goes back as a tool turn; the server answers in text.
        ToolCall call = stats.toolCalls().get(0);
        GenerationRequest second = GenerationRequest.chat(List.of(ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistant("", List.of(call)), ChatMessage.tool(call.id(), "18 C, sunny")),
                Sampling.greedy(6)).withTools(List.of(weather), ToolChoice.NONE);
        GenerationStats answer = model.generate(second, TokenListener.NONE).await();
        assertTrue(answer.toolCalls().isEmpty());
        assertTrue(answer.generatedTokens() > 0);
    }

    @Test
    @Order(8)
    void aModelTheServerDoesNotHaveIsNamedInTheError() {
        TerroirException e = assertThrows(TerroirException.class,
                () -> a.models().load("remote:b/local/tiny/gone.gguf", LoadOptions.defaults()));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("gone.gguf") && e.getMessage().contains("remote models b"),
                e.getMessage());
        Result ask = shell("ask -m remote:x/m hello", "");
        assertNotEquals(0, ask.status());
        assertNoTrace(ask.all());
    }

    @Test
    @Order(9)
    void aServerAddedWithoutConsentIsListedButNotUsedUntilTrusted() throws Exception {
        Result added = shell("remote add c " + bUrl() + " --key " + key, "n\n");
        assertEquals(0, added.status(), added.all());
        assertTrue(added.out().contains("leave this computer") && added.out().contains("remote trust c"),
                added.out());
        TerroirException refused = assertThrows(TerroirException.class,
                () -> a.models().load("remote:c/" + MODEL, LoadOptions.defaults()));
        assertTrue(refused.getMessage().contains("remote trust c"), refused.getMessage());
        HttpResponse<String> api = a.send(HttpRequest.newBuilder(URI.create(a.base() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"remote:c/" + MODEL + "\",\"max_tokens\":2,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).build());
        assertEquals(400, api.statusCode(), api.body());
        assertTrue(api.body().contains("remote trust c"), api.body());
        assertEquals(0, shell("remote trust c --yes", "").status());
        assertEquals(2, a.models().load("remote:c/" + MODEL, LoadOptions.defaults())
                .generate(greedy("Hi", 2), TokenListener.NONE).await().generatedTokens());
        assertEquals(0, shell("remote remove c", "").status());
        assertFalse(Files.exists(dir.resolve("a-home/secrets/remote-c.key")));
    }

    @Test
    @Order(10)
    void stoppingTheBundleForgetsRemoteModelsAndStartingItBringsThemBack() throws Exception {
        a.models().load(REMOTE, LoadOptions.defaults());
        Bundle bundle = a.platform.bundle("org.terroir.backend-remote");
        bundle.stop();
        assertTrue(a.models().loaded().stream().noneMatch(m -> m.descriptor().name().startsWith("remote:")));
        assertFalse(ids(JsonParser.parseString(a.get("/v1/models").body()).getAsJsonObject()
                .getAsJsonArray("data")).contains(REMOTE));
        assertTrue(a.models().backends().stream().noneMatch(BackendInfo::remote));
        Result gone = shell("remote list", "");
        assertNotEquals(0, gone.status());
        bundle.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> ids = List.of();
        while (System.nanoTime() < end && !ids.contains(REMOTE)) {
            Thread.sleep(200);
            ids = ids(JsonParser.parseString(a.get("/v1/models").body()).getAsJsonObject().getAsJsonArray("data"));
        }
        assertTrue(ids.contains(REMOTE), ids.toString());
        assertEquals(3, a.models().load(REMOTE, LoadOptions.defaults()).generate(greedy("Hi", 3), TokenListener.NONE)
                .await().generatedTokens());
    }

    @Test
    @Order(11)
    void killingTheServerMidStreamEndsTheAnswerWithAClearError() throws Exception {
        LoadedModel model = a.models().load(REMOTE, LoadOptions.defaults());
        CountDownLatch first = new CountDownLatch(3);
        Generation g = model.generate(greedy("Tell a long story.", 4000), t -> first.countDown());
        assertTrue(first.await(60, TimeUnit.SECONDS));
        b.descendants().forEach(ProcessHandle::destroyForcibly);
        b.destroyForcibly();
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> g.result().get(30, TimeUnit.SECONDS));
        GenerationException cause = (GenerationException) e.getCause();
        assertEquals(ErrorKind.BACKEND_GONE, cause.kind());
        assertTrue(cause.getMessage().contains("\"b\""), cause.getMessage());
        TerroirException again = assertThrows(TerroirException.class,
                () -> model.generate(greedy("Hi", 2), TokenListener.NONE).await());
        assertTrue(again.getMessage().contains("cannot be reached"), again.getMessage());
        Result ask = shell("ask -m " + REMOTE + " hello", "");
        assertTrue(ask.all().contains("cannot be reached"), ask.all());
        assertNoTrace(ask.all());
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

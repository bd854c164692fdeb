package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.testkit.hub.ImitationHub;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The page and its JSON API on the assembled platform: the API a page uses (machine, library, load, conversations,
 * a streamed answer, history), the shell's {@code serve} and {@code keys}, and the page itself in a real headless
 * Chromium (Debian's chromium and chromium-driver; the test is skipped where they are not installed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {

    @TempDir
    static Path dir;
    static WebPlatform web;
    static String libraryName;
    static ImitationHub hub;

    @BeforeAll
    static void boot() throws Exception {
        hub = ImitationHub.start();
        hub.addTinyLlama("terroir-test/Tiny-GGUF", dir.resolve("hub"));
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint() + "\n");
        web = WebPlatform.start(home);
        Path model = dir.resolve("tiny.gguf");
        // A qwen3 model: an architecture only today's llama.cpp loads, chatted with through the page.
        TinyLlama.unitTest(org.terroir.testkit.gguf.Architecture.QWEN3).tiedOutput(false).build().write(model);
        LibraryModel imported = web.service(ModelLibrary.class).importFile(model, "local/tiny", ImportMode.COPY);
        libraryName = imported.name();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private static JsonObject object(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static JsonArray array(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonArray();
    }

    @Test
    @Order(1)
    void thePageIsServedFromTheBundleWithNothingFromOutside() throws Exception {
        HttpResponse<String> page = web.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"app.js\">"), page.body());
        assertTrue(page.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
        for (String asset : List.of("/", "/app.js", "/style.css")) {
            String body = web.get(asset).body();
            assertFalse(body.matches("(?s).*(src|href)=\"(https?:)?//.*"), asset + " references another site");
            assertFalse(body.contains("fetch('http"), asset);
        }
        int escape = web.get("/../../etc/passwd").statusCode();
        assertTrue(escape == 400 || escape == 404, "no way out of the page's folder: " + escape);
        assertEquals(404, web.get("/nothing.html").statusCode());
        // the page's API, its route table: an unknown name is a 404, a known one asked another way a 405 that says
        // which methods it takes, in the reader's language
        java.net.http.HttpResponse<String> unknown = web.get("/api/no-such-route?lang=fr");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("Point d'accès inconnu"), unknown.body());
        java.net.http.HttpResponse<String> wrongMethod = web.post("/api/machine", "{}");
        assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
        assertEquals("GET", wrongMethod.headers().firstValue("Allow").orElse(""));
        assertTrue(wrongMethod.body().contains("method_not_allowed") && wrongMethod.body().contains("use GET"),
                wrongMethod.body());
        java.net.http.HttpResponse<String> delete = web.send(web.asPage("/api/settings").DELETE().build());
        assertEquals(405, delete.statusCode(), delete.body());
        assertEquals("GET, POST", delete.headers().firstValue("Allow").orElse(""));
    }

    @Test
    @Order(2)
    void theApiOfThePageLoadsAModelAndChatsWithHistory() throws Exception {
        JsonObject machine = object(web.get("/api/machine?lang=fr"));
        assertTrue(machine.has("tier") && machine.getAsJsonObject("advice").has("tryFirst"), machine.toString());
        JsonArray library = array(web.get("/api/library"));
        assertTrue(library.toString().contains(libraryName), library.toString());

        JsonArray loaded = array(web.post("/api/models-load", "{\"ref\":\"" + libraryName + "\",\"contextLength\":256}"));
        String modelId = loaded.get(0).getAsJsonObject().get("id").getAsString();
        assertEquals(404, web.post("/api/models-load", "{\"ref\":\"/etc/passwd\"}").statusCode(),
                "the page loads library models only");

        JsonObject conversation = object(web.post("/api/conversations", "{\"modelRef\":\"" + modelId + "\"}"));
        String id = conversation.get("id").getAsString();
        HttpResponse<String> answer = web.post("/api/conversations/" + id + "/send", "{\"text\":\"Bonjour !\"}");
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("event: user"), answer.body());
        assertTrue(answer.body().contains("event: done"), answer.body());

        JsonObject stored = object(web.get("/api/conversations/" + id));
        JsonArray messages = stored.getAsJsonArray("messages");
        assertEquals(2, messages.size(), messages.toString());
        assertEquals("Bonjour !", messages.get(0).getAsJsonObject().get("content").getAsString());
        assertTrue(messages.get(1).getAsJsonObject().has("stats"), "an answer keeps its statistics");
        assertTrue(array(web.get("/api/conversations")).toString().contains(id));
        assertFalse(array(web.get("/api/presets?lang=fr")).isEmpty());
        assertTrue(object(web.post("/api/models-unload", "{\"id\":\"" + modelId + "\"}")).get("unloaded")
                .getAsBoolean());
    }

    @Test
    @Order(3)
    void thePageFindsAModelThatFitsAndDownloadsItIntoTheLibrary() throws Exception {
        JsonObject page = object(web.get("/api/catalog?catalog=huggingface&q=Tiny"));
        assertTrue(page.toString().contains("terroir-test/Tiny-GGUF"), page.toString());
        JsonObject repo = object(web.get("/api/repo?catalog=huggingface&repo=terroir-test/Tiny-GGUF"));
        JsonObject file = repo.getAsJsonArray("files").asList().stream().map(f -> f.getAsJsonObject())
                .filter(f -> f.get("name").getAsString().endsWith(".gguf")).findFirst().orElseThrow();
        assertEquals("FITS", file.get("fit").getAsString(), "a tiny model fits any machine: " + file);
        assertTrue(file.get("sizeBytes").getAsLong() > 0);

        String name = file.get("name").getAsString();
        object(web.post("/api/downloads", "{\"repo\":\"terroir-test/Tiny-GGUF\",\"file\":\"" + name + "\"}"));
        // Each poll is a fresh request, as from a reloaded page: the server keeps the state.
        JsonObject last = null;
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            last = array(web.get("/api/downloads")).asList().stream().map(d -> d.getAsJsonObject())
                    .filter(d -> d.get("file").getAsString().equals(name)).findFirst().orElseThrow();
            if (last.get("state").getAsString().equals("COMPLETED")) {
                break;
            }
            assertFalse(List.of("FAILED", "CANCELLED").contains(last.get("state").getAsString()), last.toString());
            Thread.sleep(100);
        }
        assertEquals("COMPLETED", last.get("state").getAsString(), last.toString());
        assertEquals(last.get("total").getAsLong(), last.get("bytes").getAsLong());
        String downloaded = array(web.get("/api/library")).asList().stream().map(m -> m.getAsJsonObject())
                .filter(m -> m.get("repo").getAsString().equals("terroir-test/Tiny-GGUF")).findFirst().orElseThrow()
                .get("name").getAsString();

        // An OpenAI client names it: listed, then loaded on demand by its first request.
        assertTrue(web.get("/v1/models").body().contains(downloaded));
        assertTrue(web.models().find(downloaded).isEmpty(), "not loaded yet");
        HttpResponse<String> answer = web.post("/v1/chat/completions", "{\"model\":\"" + downloaded
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":3}");
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(web.models().loaded().stream()
                .anyMatch(m -> m.descriptor().path().getFileName().toString().equals(name)), "loaded on demand");
    }

    @Test
    @Order(4)
    void theShellTellsWhereTheServerIsAndManagesKeys() {
        String serve = shell("serve");
        assertTrue(serve.contains("http://127.0.0.1:" + web.port + "/"), serve);
        assertTrue(serve.contains("no key needed"), serve);
        String created = shell("keys create ci robot");
        assertTrue(created.contains("trr-"), created);
        String id = created.lines().findFirst().orElseThrow().replaceAll("^Key (\\S+) created.*$", "$1");
        String list = shell("keys list");
        assertTrue(list.contains(id) && list.contains("ci robot"), list);
        assertFalse(list.contains(created.lines().skip(1).findFirst().orElseThrow().strip()), "secrets never listed");
        assertTrue(shell("keys revoke " + id).contains("revoked"));
        assertTrue(shell("keys list").contains("No API key"));
    }

    @Test
    @Order(6)
    void everyTextTheServerSendsThePageIsInThePagesLanguage() throws Exception {
        // The starter list's descriptions come from the catalog bundle, not from the page's code: they follow the
        // page's language (?lang=), whatever the platform's own.
        JsonObject fr = JsonParser.parseString(web.get("/api/catalog?catalog=starter&lang=fr").body())
                .getAsJsonObject().getAsJsonArray("entries").get(0).getAsJsonObject();
        String repo = fr.get("repo").getAsString();
        JsonObject en = JsonParser.parseString(web.get("/api/catalog?catalog=starter&lang=en").body())
                .getAsJsonObject().getAsJsonArray("entries").asList().stream().map(e -> e.getAsJsonObject())
                .filter(e -> e.get("repo").getAsString().equals(repo)).findFirst().orElseThrow();
        String frText = fr.get("description").getAsString();
        String enText = en.get("description").getAsString();
        assertFalse(frText.equals(enText), "one description for both languages: " + frText);
        assertTrue(frText.matches("(?s).*\\b(et|avec|le|la|les|des|pour|un|une)\\b.*"), "French: " + frText);
        assertTrue(enText.matches("(?s).*\\b(and|the|for|with|a)\\b.*"), "English: " + enText);
        // and its size in the reader's units: "639 Mo", "1,1 Go" in French; "639 MB", "1.1 GB" in English
        assertTrue(frText.matches("(?s).*\\d(,\\d)? [MG]o\\b.*"), "French units: " + frText);
        assertTrue(enText.matches("(?s).*\\d(\\.\\d)? [MG]B\\b.*"), "English units: " + enText);
    }

    private static String shell(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = web.platform.execute(command, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, command + ": " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Order(5)
    void aPersonLoadsAModelChatsAndFindsTheConversationAfterAReload() throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        WebDriver driver = Chromium.start(dir, "en", "--window-size=1280,800");
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            // As a person does: the address the shell's serve shows, with the page's secret for this run.
            driver.get(web.service(org.terroir.api.web.WebServer.class).pageUrl());
            wait.until(ExpectedConditions.elementToBeClickable(By.id("tab-library"))).click();
            By load = By.cssSelector("#library-list li[data-name='" + libraryName + "'] button.load");
            wait.until(ExpectedConditions.elementToBeClickable(load)).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("loaded-list"), "tiny"));
            // the engine's device is shown: today's llama.cpp on this machine's CPU
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("loaded-list"), "llama.cpp · CPU"));

            driver.findElement(By.id("tab-chat")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#model-select option")));
            driver.findElement(By.id("new-conv")).click();
            String conversation = Chromium.currentConversation(wait);

            WebElement prompt = driver.findElement(By.id("prompt"));
            prompt.sendKeys("Bonjour, qui es-tu ?");
            prompt.sendKeys(Keys.ENTER);
            WebElement answer = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#messages li.msg.assistant.done")));
            String stats = answer.findElement(By.cssSelector(".stats")).getText();
            assertTrue(stats.contains("tokens"), "the answer shows its statistics: " + stats);
            String answered = answer.findElement(By.cssSelector(".content")).getText();

            driver.navigate().refresh();
            Chromium.awaitReopened(wait, conversation, "Bonjour, qui es-tu ?");
            List<String> answers = Chromium.read(wait, d -> d.findElements(
                    By.cssSelector("#messages li.msg.assistant .content")).stream().map(WebElement::getText).toList());
            assertEquals(List.of(answered), answers, "the history holds the streamed answer");

            // Ask again: a new answer takes the old one's place, the question is not repeated, and it is kept so.
            WebElement old = driver.findElement(By.cssSelector("#messages li.msg.assistant"));
            Chromium.click(wait, By.cssSelector("#messages li.msg.assistant button.regenerate"));
            wait.until(ExpectedConditions.stalenessOf(old));
            // the old answer stays, hidden, until the new one is done
            wait.until(d -> d.findElements(By.cssSelector("#messages li.msg.assistant")).size() == 1
                    && !d.findElements(By.cssSelector("#messages li.msg.assistant.done .stats")).isEmpty());
            assertEquals(1, driver.findElements(By.cssSelector("#messages li.msg.user")).size());
            driver.navigate().refresh();
            Chromium.awaitReopened(wait, conversation, "Bonjour, qui es-tu ?");
            assertEquals(1, driver.findElements(By.cssSelector("#messages li.msg.user")).size(), "kept after a reload");
            assertEquals(1, driver.findElements(By.cssSelector("#messages li.msg.assistant")).size(), "kept after a reload");

            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("lang"))).selectByValue("fr");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("send"), "Envoyer"));

            // The machine's "try first" button searches the Hub for the model the advice names, not for its first
            // word ("Commencez sous 4 Go : Gemma-3-4B-it …" searched for "Commencez").
            driver.findElement(By.id("tab-machine")).click();
            Chromium.click(wait, By.id("try-first"));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("search-text")));
            String searched = driver.findElement(By.id("search-text")).getAttribute("value");
            assertTrue(searched.matches("[A-Za-z][\\w.]*-[\\w.-]*\\d[\\w.-]*"), "a model's name: " + searched);
        } finally {
            driver.quit();
        }
    }
}

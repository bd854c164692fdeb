package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.terroir.api.web.WebServer;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.testkit.hub.ImitationHub;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A beginner's whole journey in real headless Chromium, in French and in English, on a fresh TERROIR_HOME against
 * the imitation Hub: the page opens on the first-run advice, the lightest recommended model that fits downloads
 * with progress (paused and resumed), loads, the first message starts a conversation, an answer's Markdown is
 * rendered and a {@code <script>} in it shown as text, a reload finds the history, and a conversation's settings are
 * kept. A screenshot of each step goes to {@code itest/target/screenshots/<lang>/}.
 */
class PageJourneyIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = { "fr", "en" })
    void aBeginnerGoesFromAFreshStartToAFirstChat(String lang) throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        Path shots = Path.of("target", "screenshots", lang);
        Files.createDirectories(shots);
        try (ImitationHub hub = ImitationHub.start()) {
            Path home = dir.resolve("home");
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint() + "\n");
            WebPlatform web = WebPlatform.start(home);
            try {
                // The hub serves a tiny real model under the name of the starter list's lightest model that fits,
                // slowly enough that the progress shows and a pause can be clicked.
                Map.Entry<String, String> pick = lightestRecommended(web);
                Path tiny = dir.resolve("tiny.gguf");
                TinyLlama.unitTest().build().write(tiny);
                hub.repo(pick.getKey()).downloads(1000).file(pick.getValue(), tiny);
                hub.throttle(16 * 1024, 120);
                journey(web, lang, shots, pick.getValue());
            } finally {
                web.close();
            }
        }
    }

    /**
     * No internet (the hub's address answers nothing): the first-run panel says so in French and offers a model file
     * already on this computer; imported by its path, it becomes the model to chat with.
     */
    @org.junit.jupiter.api.Test
    void offlineThePageSaysSoAndAModelFileOnDiskIsImported() throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        Path shots = Path.of("target", "screenshots", "offline-fr");
        Files.createDirectories(shots);
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        // a port held (bound, never listening) for the whole test: connections are refused, and neither the web
        // server nor the browser's driver can be given it meanwhile
        java.net.Socket held = new java.net.Socket();
        held.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        int dead = held.getLocalPort();
        Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=http://127.0.0.1:" + dead + "\n");
        Path tiny = dir.resolve("mon-modele.gguf");
        TinyLlama.unitTest().build().write(tiny);
        WebPlatform web = WebPlatform.start(home);
        WebDriver driver = Chromium.start(dir, "fr");
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90));
            driver.get(web.service(WebServer.class).pageUrl());
            wait.until(ExpectedConditions.elementToBeClickable(By.id("lang")));
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("lang"))).selectByValue("fr");
            WebElement offline = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#firstrun p.offline")));
            assertTrue(offline.getText().contains("injoignable") && offline.getText().contains("fichier de modèle"),
                    offline.getText());
            shot(driver, shots, "01-offline");
            WebElement path = driver.findElement(By.id("import-path"));
            path.sendKeys(tiny.toString());
            driver.findElement(By.cssSelector("#import-form button[type=submit]")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model-select"), "mon-modele"));
            shot(driver, shots, "02-imported");
        } finally {
            driver.quit();
            web.close();
            held.close();
        }
    }

    private static Map.Entry<String, String> lightestRecommended(WebPlatform web) throws Exception {
        JsonObject page = JsonParser.parseString(web.get("/api/catalog?catalog=starter").body()).getAsJsonObject();
        return page.getAsJsonArray("entries").asList().stream().map(e -> e.getAsJsonObject())
                .filter(e -> !e.has("kind") || "CHAT".equals(e.get("kind").getAsString()))
                .flatMap(e -> e.getAsJsonArray("files").asList().stream().map(f -> f.getAsJsonObject())
                        .filter(f -> f.get("name").getAsString().toLowerCase().endsWith(".gguf"))
                        .filter(f -> "FITS".equals(f.get("fit").getAsString()))
                        .filter(f -> !e.has("recommendedFile") || e.get("recommendedFile").isJsonNull()
                                || e.get("recommendedFile").getAsString().equals(f.get("name").getAsString()))
                        .map(f -> Map.entry(f.get("sizeBytes").getAsLong(),
                                Map.entry(e.get("repo").getAsString(), f.get("name").getAsString()))))
                .min(Comparator.comparingLong(Map.Entry::getKey)).orElseThrow().getValue();
    }

    private void journey(WebPlatform web, String lang, Path shots, String file) throws Exception {
        WebDriver driver = Chromium.start(dir, lang);
        boolean fr = lang.equals("fr");
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90));
            driver.get(web.service(WebServer.class).pageUrl());
            // As a person does: the language picked at the top of the page (remembered by the page).
            wait.until(ExpectedConditions.elementToBeClickable(By.id("lang")));
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("lang"))).selectByValue(lang);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("firstrun"),
                    fr ? "Cet ordinateur" : "This computer"));
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#firstrun button.get")));
            String advice = driver.findElement(By.id("firstrun")).getText();
            assertTrue(advice.contains(fr ? "Cet ordinateur" : "This computer"), advice);
            assertTrue(advice.contains(fr ? " Go" : " GB"), "sizes in the reader's units: " + advice);
            assertTrue(advice.contains(file), advice);
            assertEquals(fr ? "fr" : "en", driver.findElement(By.tagName("html")).getAttribute("lang"));
            shot(driver, shots, "01-first-run");

            // the first-run box may be redrawn (a refresh) between the look and the click: click it afresh then
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
                d.findElement(By.cssSelector("#firstrun button.get")).click();
                return true;
            });
            By item = By.cssSelector("#firstrun-downloads li[data-file='" + file + "']");
            // The list is redrawn as the download moves: each look finds the elements afresh.
            By pause = By.cssSelector("#firstrun-downloads li button.pause");
            By resume = By.cssSelector("#firstrun-downloads li button.resume");
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            wait.until(ExpectedConditions.elementToBeClickable(pause));
            shot(driver, shots, "02-downloading");
            wait.until(d -> {
                d.findElement(pause).click();
                return true;
            });
            String paused = wait.until(d -> {
                String text = d.findElement(item).getText();
                return text.contains(fr ? "en pause" : "paused") ? text : null;
            });
            assertFalse(paused.contains("CANCELLED"), "no raw state: " + paused);
            shot(driver, shots, "03-paused");
            wait.until(d -> {
                d.findElement(resume).click();
                return true;
            });

            // Downloaded, then loaded, then the chat is ready: the model picker shows it loaded.
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model-state"),
                    fr ? "Modèle chargé" : "Model loaded"));
            String picker = driver.findElement(By.id("model-select")).getText();
            assertTrue(picker.contains("llama.cpp") && !picker.contains("llamacpp") && !picker.contains("ctx "),
                    "engine and context in words: " + picker);
            shot(driver, shots, "04-loaded");

            // No "New conversation" click: the first message starts one.
            assertTrue(driver.findElements(By.cssSelector("#conv-list li")).isEmpty());
            WebElement prompt = driver.findElement(By.id("prompt"));
            String question = fr ? "Pourquoi le ciel est bleu ? C'est quoi *la* diffusion ?" : "Why is the sky blue?";
            prompt.sendKeys(question);
            prompt.sendKeys(Keys.ENTER);
            WebElement answer = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#messages li.msg.assistant.done .stats")));
            String stats = answer.getText();
            assertTrue(stats.contains(fr ? "jetons" : "tokens"), stats);
            assertFalse(stats.matches(".*\\b(STOP|LENGTH|CANCELLED)\\b.*"), "no raw finish reason: " + stats);
            // the list is drawn again once the answer is kept: the current item then has the question as its title
            String conversation = Chromium.read(wait, d -> {
                WebElement current = d.findElement(By.cssSelector("#conv-list li.current"));
                return current.getText().startsWith(question.substring(0, 10)) ? current.getAttribute("data-id") : null;
            });
            if (fr) {
                String system = driver.findElement(By.cssSelector("#messages li.msg.system")).getText();
                assertFalse(system.contains("You are"), "the preset's system prompt in the page's language: " + system);
            }
            shot(driver, shots, "05-first-answer");

            // The page's own renderer on an answer holding Markdown and a script.
            Object rendered = ((JavascriptExecutor) driver).executeScript(
                    "const li = document.createElement('li'); li.className = 'msg assistant done probe';"
                            + "document.getElementById('messages').append(li);"
                            + "window.terroirPage.renderAnswer(li, arguments[0]); window.pwned = false;"
                            + "return [li.querySelectorAll('script').length, li.querySelectorAll('strong').length,"
                            + " li.querySelectorAll('table td').length, li.querySelectorAll('.code button.copy').length,"
                            + " li.querySelectorAll('details.thinking').length, li.querySelectorAll('a[href^=\"javascript\"]').length,"
                            + " li.textContent, li.querySelectorAll('ul li').length];",
                    "<think>Let me think.</think>**Bold** and *soft*.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                            + "```js\nconsole.log(1)\n```\n\n<script>window.pwned = true</script> [x](javascript:alert(1))");
            List<?> r = (List<?>) rendered;
            assertEquals(0L, r.get(0), "no script element");
            assertEquals(1L, r.get(1));
            assertEquals(2L, r.get(2));
            assertEquals(1L, r.get(3));
            assertEquals(1L, r.get(4));
            assertEquals(0L, r.get(5), "links only for http(s)");
            assertTrue(((String) r.get(6)).contains("<script>window.pwned = true</script>"), "shown as text");
            assertEquals(2L, r.get(7));
            assertEquals(Boolean.FALSE, ((JavascriptExecutor) driver).executeScript("return window.pwned"));
            shot(driver, shots, "06-markdown");

            // Reload: the conversation and its history are there.
            driver.navigate().refresh();
            Chromium.awaitReopened(wait, conversation, question);
            assertEquals(1, driver.findElements(By.cssSelector("#messages li.msg.assistant .content")).size());
            shot(driver, shots, "07-history");

            // Settings of the conversation, changed and kept across a reload.
            driver.findElement(By.cssSelector("#conv-settings summary")).click();
            WebElement temperature = driver.findElement(By.id("temperature"));
            temperature.clear();
            temperature.sendKeys("0.3");
            WebElement system = driver.findElement(By.id("system-prompt"));
            system.clear();
            system.sendKeys(fr ? "Réponds en français." : "Answer in English.");
            driver.findElement(By.id("save-settings")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
                    fr ? "Enregistré" : "Saved"));
            driver.navigate().refresh();
            Chromium.awaitReopened(wait, conversation, fr ? "Réponds en français." : "Answer in English.");
            wait.until(d -> !d.findElement(By.id("temperature")).getAttribute("value").isEmpty());
            assertEquals(0.3, Double.parseDouble(driver.findElement(By.id("temperature")).getAttribute("value")), 1e-3,
                    "the temperature is kept");
            driver.findElement(By.cssSelector("#conv-settings summary")).click();
            shot(driver, shots, "08-settings-kept");

            // The settings page: LAN access refused without a key (the risk said in words), then kept settings.
            driver.findElement(By.id("tab-settings")).click();
            wait.until(d -> !d.findElement(By.id("set-idle")).getAttribute("value").isEmpty());
            assertTrue(driver.findElement(By.cssSelector(".settings .risk")).getText()
                    .contains(fr ? "réseau local" : "local network"));
            driver.findElement(By.id("set-lan")).click();
            driver.findElement(By.id("settings-save")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
                    fr ? "Créez d" : "Create an API key first"));
            driver.findElement(By.id("set-lan")).click();
            WebElement idle = driver.findElement(By.id("set-idle"));
            idle.clear();
            idle.sendKeys("45");
            WebElement threads = driver.findElement(By.id("set-threads"));
            threads.clear();
            threads.sendKeys("2");
            driver.findElement(By.id("settings-save")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
                    fr ? "Enregistré" : "Saved"));
            driver.navigate().refresh();
            wait.until(d -> "45".equals(d.findElement(By.id("set-idle")).getAttribute("value")));
            assertEquals("2", driver.findElement(By.id("set-threads")).getAttribute("value"));
            String persisted = web.get("/api/settings").body();
            assertTrue(persisted.contains("\"idleUnloadMinutes\":45"), persisted);
            assertTrue(persisted.contains("\"language\":\"" + lang + "\""), "the language kept by the platform: "
                    + persisted);
            shot(driver, shots, "09-settings-page");

            // the models folder, changed in the page: the library and the downloads move there
            Path folder = dir.resolve("my-models-" + lang);
            WebElement folderField = driver.findElement(By.id("set-folder"));
            folderField.clear();
            folderField.sendKeys(folder.toString());
            driver.findElement(By.id("settings-save")).click();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!web.get("/api/settings").body().contains(folder.toString().replace("\\", "\\\\"))) {
                assertTrue(System.nanoTime() < until, "the folder applied: " + web.get("/api/settings").body());
                Thread.sleep(200);
            }
            // the machine's free disk is now read where the models go
            String machine = web.get("/api/machine").body();
            assertTrue(machine.contains("\"modelsDir\":\"" + folder.toString().replace("\\", "\\\\") + "\""),
                    "the free disk read in the new folder: " + machine);
            // the library's layout: <owner>/<repo>/<file>
            TinyLlama.unitTest().build().write(Files.createDirectories(folder.resolve("local/moved"))
                    .resolve("moved-here.gguf"));
            assertTrue(web.get("/api/library").body().contains("moved-here"), web.get("/api/library").body());
            // no load under way now: the list the page polls while one runs is empty
            HttpResponse<String> loading = web.get("/api/models-loading");
            assertEquals(200, loading.statusCode(), loading.body());
            assertEquals("[]", loading.body().strip());
            HttpResponse<String> relative = web.post("/api/settings?lang=" + lang, "{\"modelsFolder\":\"models\"}");
            assertEquals(400, relative.statusCode(), relative.body());
            assertTrue(relative.body().contains(fr ? "chemin complet" : "full path"), relative.body());
            // another browser, in the other language, opens the page in the one chosen here
            WebDriver other = Chromium.start(dir, fr ? "en" : "fr");
            try {
                other.get(web.service(WebServer.class).pageUrl());
                new WebDriverWait(other, Duration.ofSeconds(60)).until(d -> lang.equals(
                        d.findElement(By.tagName("html")).getAttribute("lang")) && d.findElement(By.id("tab-settings"))
                                .getText().contains(fr ? "Réglages" : "Settings"));
            } finally {
                other.quit();
            }
        } catch (RuntimeException | AssertionError e) {
            shot(driver, shots, "99-failure");
            throw new AssertionError("page: " + driver.findElement(By.tagName("body")).getText(), e);
        } finally {
            driver.quit();
        }
    }

    private static void shot(WebDriver driver, Path folder, String name) throws Exception {
        Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, folder.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}

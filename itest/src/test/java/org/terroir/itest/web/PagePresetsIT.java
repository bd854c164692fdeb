package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.terroir.api.web.WebServer;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The Presets and Guide tabs and the documents of a conversation, in real headless Chromium on the assembled
 * distribution, in French and in English: the built-in presets listed by category in the reader's language, one of
 * the user's created, edited, used (a conversation starts with it), imported back from its exported file (renamed),
 * a bad file refused in words, deleted; the guide's tier table and a "try it" that opens a chat with the matching
 * preset and its sample request; a generated document attached by the picker and another by a drop, listed with
 * what was read, summarised with progress, removed; the passages an answer cites shown under it, [n] clickable.
 * Screenshots in {@code itest/target/screenshots/presets-<lang>/}.
 */
class PagePresetsIT {

    @TempDir
    static Path dir;
    /** One platform for both languages: ONNX Runtime's tokenizer library loads once per JVM. */
    private static WebPlatform web;
    private static Path home;

    @org.junit.jupiter.api.BeforeAll
    static void start() throws Exception {
        if (!Chromium.available()) {
            return;
        }
        home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        web = WebPlatform.start(home);
        Path tiny = dir.resolve("tiny.gguf");
        // A window of 1024 tokens: with 512, the French instruction that introduces the excerpts (the page's
        // language now reaches the chat service) left no room for any excerpt in this tiny vocabulary's tokens.
        TinyLlama.unitTest().contextLength(1024).build().write(tiny);
        var imported = web.post("/api/library-import", "{\"path\": \"" + tiny + "\"}");
        assertEquals(200, imported.statusCode(), imported.body());
        String ref = JsonParser.parseString(imported.body()).getAsJsonObject().get("name").getAsString();
        var loaded = web.post("/api/models-load", "{\"ref\": \"" + ref + "\"}");
        assertEquals(200, loaded.statusCode(), loaded.body());
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "fr", "en" })
    void presetsGuideAndDocumentsInThePage(String lang) throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        Path shots = Path.of("target", "screenshots", "presets-" + lang);
        Files.createDirectories(shots);
        page(web, home, lang, shots);
    }

    private void page(WebPlatform web, Path home, String lang, Path shots) throws Exception {
        WebDriver driver = Chromium.start(dir, lang);
        JavascriptExecutor js = (JavascriptExecutor) driver;
        boolean fr = lang.equals("fr");
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            driver.get(web.service(WebServer.class).pageUrl());
            wait.until(ExpectedConditions.elementToBeClickable(By.id("lang")));
            new Select(driver.findElement(By.id("lang"))).selectByValue(lang);

            // The page's own texts of these tabs exist in both languages, the guide has the same shape in both.
            List<?> parity = (List<?>) js.executeScript(
                    "const k = window.terroirKit; const en = Object.keys(k.T.en).sort(), fr = Object.keys(k.T.fr).sort();"
                            + "const g = (l) => JSON.stringify([k.GUIDE[l].tiers.length, k.GUIDE[l].tiers.map(r => r.length),"
                            + " k.GUIDE[l].tips.map(x => x.preset), k.GUIDE[l].factsTip.preset, k.GUIDE[l].privacy.length]);"
                            + "return [en.filter(x => !fr.includes(x)).join(','), fr.filter(x => !en.includes(x)).join(','),"
                            + " g('en'), g('fr'), Object.keys(k.GUIDE.en).sort().join(), Object.keys(k.GUIDE.fr).sort().join()];");
            assertEquals("", parity.get(0), "page texts only in English");
            assertEquals("", parity.get(1), "page texts only in French");
            assertEquals(parity.get(2), parity.get(3), "the guide's shape in both languages");
            assertEquals(parity.get(4), parity.get(5));

            // --- Presets tab: the built-in ones by category, in the reader's language
            driver.findElement(By.id("tab-presets")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#preset-groups li[data-id='minutes']")));
            String groups = driver.findElement(By.id("preset-groups")).getText();
            for (String name : fr ? List.of("Compte rendu de réunion", "Communiqué de presse", "Tract", "Argumentaire",
                    "FALC", "Campagnes et communication", "S'organiser")
                    : List.of("Meeting minutes", "Press release", "Leaflet", "Argument sheet", "Plain language",
                            "Campaigns and communication", "Organising")) {
                assertTrue(groups.contains(name), name + " in " + groups);
            }
            assertEquals(16, driver.findElements(By.cssSelector("#preset-groups li[data-id]:not(.mine)")).size(), groups);
            boolean first = lang.equals("fr");
            if (first) {
                assertTrue(driver.findElement(By.id("preset-none")).isDisplayed(), "none of the user's yet");
            }
            shot(driver, shots, "01-presets");

            // create one
            driver.findElement(By.id("preset-new")).click();
            type(driver, "pf-name", fr ? "Tract du comité" : "Committee leaflet");
            type(driver, "pf-category", fr ? "Comité" : "Committee");
            type(driver, "pf-description", fr ? "Les tracts du comité" : "The committee's leaflets");
            type(driver, "pf-system", fr ? "Tu écris les tracts du comité. Trois points courts." : "You write the committee's leaflets. Three short points.");
            type(driver, "pf-example", fr ? "Tract sur la fête de quartier" : "Leaflet about the street party");
            shot(driver, shots, "02-preset-form");
            driver.findElement(By.id("pf-save")).click();
            String id = fr ? "tract-du-comite" : "committee-leaflet";
            By card = By.cssSelector("#preset-groups li.mine[data-id='" + id + "']");
            wait.until(ExpectedConditions.presenceOfElementLocated(card));
            Path file = home.resolve("presets").resolve(id + ".json");
            assertTrue(Files.isRegularFile(file), "kept under TERROIR_HOME/presets");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
            assertTrue(driver.findElement(card).getText().contains(fr ? "le vôtre" : "yours"));
            assertTrue(driver.findElement(By.id("preset-groups")).getText().contains(fr ? "Comité" : "Committee"));

            // edit it
            driver.findElement(card).findElement(By.cssSelector("button.edit")).click();
            type(driver, "pf-name", fr ? "Tract du comité de quartier" : "Street committee leaflet");
            driver.findElement(By.id("pf-save")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(card,
                    fr ? "Tract du comité de quartier" : "Street committee leaflet"));
            assertTrue(Files.readString(file).contains(fr ? "Tract du comité de quartier" : "Street committee leaflet"));

            // a bad file is refused in words; the exported file comes back renamed
            Path bad = dir.resolve("bad.json");
            Files.writeString(bad, "{\"presets\": \"none\"}");
            driver.findElement(By.id("preset-import")).sendKeys(bad.toString());
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
                    fr ? "n'est pas un fichier de préréglages Terroir" : "is not a Terroir presets file"));
            shot(driver, shots, "03-bad-file");
            var exported = web.get("/api/presets-export?ids=" + id);
            assertEquals(200, exported.statusCode(), exported.body());
            assertTrue(exported.headers().firstValue("Content-Disposition").orElse("").contains("attachment"));
            Path export = dir.resolve("mine.json");
            Files.writeString(export, exported.body());
            driver.findElement(By.id("preset-import")).sendKeys(export.toString());
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
                    fr ? "1 préréglage importé" : "1 preset imported"));
            // renamed on the clash, its id made from the new name
            By copy = By.xpath("//div[@id='preset-groups']//li[contains(@class, 'mine') and contains(., '(2)')]");
            wait.until(ExpectedConditions.presenceOfElementLocated(copy));
            assertTrue(driver.findElement(copy).getText().contains("(2)"), driver.findElement(copy).getText());
            shot(driver, shots, "04-imported");
            driver.findElement(copy).findElement(By.cssSelector("button.delete")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(copy));
            try (var files = Files.list(home.resolve("presets"))) {
                assertEquals(first ? 1 : 2, files.filter(f -> !f.getFileName().toString().endsWith("-2.json")).count());
            }
            assertTrue(Files.exists(file));

            // use it: a conversation starts with it, its first message in the box
            driver.findElement(card).findElement(By.cssSelector("button.use")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-chat")));
            wait.until(d -> id.equals(d.findElement(By.id("preset-select")).getAttribute("value")));
            String opening = fr ? "Tract sur la fête de quartier" : "Leaflet about the street party";
            // the page opens the new conversation, then puts the preset's first message in the box
            wait.until(d -> opening.equals(d.findElement(By.id("prompt")).getAttribute("value")));
            String conversation = Chromium.currentConversation(wait);
            JsonObject conv = JsonParser.parseString(web.get("/api/conversations/" + conversation).body())
                    .getAsJsonObject().getAsJsonObject("conversation");
            assertEquals(id, conv.get("presetId").getAsString());
            assertTrue(conv.get("systemPrompt").getAsString().contains(fr ? "Tu écris les tracts" : "You write the"));
            shot(driver, shots, "05-preset-used");

            // --- Guide tab: the tier table, and a tip's "try it"
            driver.findElement(By.id("tab-guide")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.tiers tbody tr")));
            assertEquals(5, driver.findElements(By.cssSelector("table.tiers tbody tr")).size());
            String guide = driver.findElement(By.id("guide")).getText();
            assertTrue(guide.contains(fr ? "inventent" : "invent"), guide);
            assertTrue(guide.contains("70 B"), guide);
            shot(driver, shots, "06-guide");
            int before = driver.findElements(By.cssSelector("#conv-list li")).size();
            driver.findElement(By.cssSelector(".tips li[data-preset='minutes'] button.try")).click();
            wait.until(d -> "minutes".equals(d.findElement(By.id("preset-select")).getAttribute("value")));
            wait.until(d -> d.findElements(By.cssSelector("#conv-list li")).size() == before + 1);
            wait.until(d -> d.findElement(By.id("prompt")).getAttribute("value")
                    .contains(fr ? "Fais le compte rendu" : "Write the minutes"));
            String minutes = Chromium.currentConversation(wait);
            JsonObject m = JsonParser.parseString(web.get("/api/conversations/" + minutes).body()).getAsJsonObject()
                    .getAsJsonObject("conversation");
            assertEquals("minutes", m.get("presetId").getAsString());
            assertTrue(m.get("systemPrompt").getAsString().contains(fr ? "comptes rendus" : "meeting minutes"));
            shot(driver, shots, "07-try-it");

            // --- documents, in the conversation of the user's preset (a short system prompt leaves the tiny
            // model's 512-token context room for passages): one by the picker, one dropped onto the chat.
            // In French, the case: a 40-page PDF.
            js.executeScript("new MutationObserver(() => { const n = document.getElementById('notice').textContent;"
                    + " if (n) window.lastNotice = n; }).observe(document.getElementById('notice'), { childList: true,"
                    + " characterData: true, subtree: true });");
            driver.findElement(By.cssSelector("#conv-list li[data-id='" + conversation + "']")).click();
            wait.until(d -> d.findElement(By.cssSelector("#conv-list li.current")).getAttribute("data-id")
                    .equals(conversation));
            String minutesConversation = minutes;
            minutes = conversation;
            Path report;
            if (fr) {
                String[][] pages = new String[40][];
                for (int i = 0; i < 40; i++) {
                    pages[i] = new String[] { "Partie " + (i + 1), "Le budget de la partie " + (i + 1) + " est de "
                            + ((i + 1) * 1000) + " euros, vote par le conseil du quartier." };
                }
                report = dir.resolve("rapport.pdf");
                Files.write(report, DocumentsIT.pdf(pages));
            } else {
                report = dir.resolve("report.md");
                StringBuilder text = new StringBuilder();
                // as long as the French report: too long for the window whole, so it is summarised by parts
                for (int i = 1; i <= 40; i++) {
                    text.append("# Part ").append(i).append("\n\nThe budget of part ").append(i).append(" is ")
                            .append(i * 1000).append(" euros, voted by the neighbourhood council.\n\n");
                }
                Files.writeString(report, text);
            }
            assertFalse(minutesConversation.equals(minutes));
            driver.findElement(By.id("doc-file")).sendKeys(report.toString());
            By listed = By.cssSelector("#doc-list li[data-name='" + report.getFileName() + "']");
            wait.until(ExpectedConditions.presenceOfElementLocated(listed));
            String facts = driver.findElement(listed).getText();
            assertTrue(facts.contains("passage"), facts);
            if (fr) {
                assertTrue(facts.contains("PDF · 40 pages") && facts.contains("indexé"), facts);
            }
            assertTrue(facts.contains(fr ? "lu en entier" : "read whole") || facts.contains(fr ? "indexé" : "indexed"), facts);
            assertTrue(driver.findElement(By.id("doc-state")).getText().contains(report.getFileName().toString()));
            shot(driver, shots, "08-attached");

            js.executeScript("const dt = new DataTransfer();"
                    + "dt.items.add(new File([arguments[0]], arguments[1], { type: 'text/plain' }));"
                    + "const thread = document.querySelector('.thread');"
                    + "thread.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));"
                    + "thread.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));",
                    fr ? "Notes de la réunion : la salle coûte 200 euros." : "Meeting notes: the room costs 200 euros.",
                    "notes.txt");
            By dropped = By.cssSelector("#doc-list li[data-name='notes.txt']");
            wait.until(ExpectedConditions.presenceOfElementLocated(dropped));
            assertFalse(driver.findElement(By.cssSelector(".thread")).getAttribute("class").contains("dropping"));
            JsonObject docs = JsonParser.parseString(web.get("/api/documents?conversation=" + minutes).body())
                    .getAsJsonObject();
            assertEquals(2, docs.getAsJsonArray("documents").size(), docs.toString());

            // summarise, with progress by part, as an answer of the conversation (stopped: a tiny model talks on)
            // every text the progress line shows is kept (a fast part may come and go between two polls), and
            // the notice is cleared: any notice from now on is the summary's error
            WebDriverWait slow = new WebDriverWait(driver, Duration.ofMinutes(4));
            js.executeScript("window.lastNotice = ''; window.docStates = [];"
                    + "new MutationObserver(() => window.docStates.push(document.getElementById('doc-state').textContent))"
                    + ".observe(document.getElementById('doc-state'), { childList: true, characterData: true, subtree: true });");
            driver.findElement(listed).findElement(By.cssSelector("button.summarise")).click();
            String partOne = fr ? "Résumé de la partie 1 sur" : "Summarising part 1 of";
            slow.until(d -> !"".equals(js.executeScript("return window.lastNotice || ''"))
                    || (Boolean) js.executeScript("return window.docStates.some(s => s.includes(arguments[0]))", partOne));
            assertEquals("", js.executeScript("return window.lastNotice || ''"), "the summary failed");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages li.msg.user")));
            assertTrue(driver.findElement(By.cssSelector("#messages li.msg.user")).getText().contains(report.getFileName().toString()));
            shot(driver, shots, "09-summary");
            if (!driver.findElements(By.cssSelector("#messages li.msg.assistant.streaming")).isEmpty()) {
                driver.findElement(By.id("stop")).click();
            }
            slow.until(d -> d.findElements(By.cssSelector("#messages li.msg.assistant.streaming")).isEmpty()
                    && d.findElement(By.id("send")).isEnabled());
            assertEquals("", js.executeScript("return window.lastNotice || ''"), "the summary failed");
            int answers = driver.findElements(By.cssSelector("#messages li.msg.assistant")).size();

            // an answer with its sources: asked, then shown as the page renders any stored answer
            WebElement prompt = driver.findElement(By.id("prompt"));
            prompt.clear();
            prompt.sendKeys(fr ? "Quel est le budget de la partie 3 ?" : "What is the budget of part 3?");
            driver.findElement(By.id("send")).click();
            slow.until(d -> d.findElements(By.cssSelector("#messages li.msg.assistant")).size() > answers
                    && d.findElements(By.cssSelector("#messages li.msg.assistant.streaming")).isEmpty()
                    && d.findElement(By.id("send")).isEnabled());
            List<?> cites = (List<?>) js.executeScript(
                    "const li = document.createElement('li'); li.className = 'msg assistant done probe';"
                            + "const c = document.createElement('div'); c.className = 'content'; li.append(c);"
                            + "document.getElementById('messages').append(li);"
                            + "window.terroirKit.renderAnswer(c, arguments[0]);"
                            + "window.terroirKit.hooks.message.forEach(h => h(li, { content: arguments[0], citations: arguments[1] }));"
                            + "const mark = li.querySelector('.content button.cite[data-n=\"1\"]'); mark.click();"
                            + "const open = li.querySelector('.citations li[data-n=\"1\"] .passage');"
                            + "return [li.querySelectorAll('.content button.cite').length, open.hidden, open.textContent,"
                            + " li.querySelector('.citations li[data-n=\"1\"] .where').textContent,"
                            + " li.querySelector('.citations li[data-n=\"2\"] .where').textContent];",
                    fr ? "Le budget est de 3000 euros [1], la salle 200 euros [2]." : "The budget is 3000 euros [1], the room 200 euros [2].",
                    List.of(java.util.Map.of("n", 1, "document", report.getFileName().toString(), "page", 3,
                            "text", fr ? "Le budget de la partie 3 est de 3000 euros." : "The budget of part 3 is 3000 euros.",
                            "score", 0.83),
                            java.util.Map.of("n", 2, "document", "notes.txt", "section", fr ? "Notes" : "Notes",
                                    "text", "200 euros", "score", 0.5)));
            assertEquals(2L, cites.get(0), "[1] and [2] clickable in the answer");
            assertEquals(Boolean.FALSE, cites.get(1), "a click shows the passage");
            assertTrue(((String) cites.get(2)).contains("3000"), (String) cites.get(2));
            assertEquals(report.getFileName() + " · " + (fr ? "page 3" : "page 3"), cites.get(3));
            assertTrue(((String) cites.get(4)).contains("notes.txt · section"), (String) cites.get(4));
            // what the server stored with the real answer, if it cited passages, is shown the same way
            JsonObject stored = JsonParser.parseString(web.get("/api/conversations/" + minutes).body()).getAsJsonObject();
            var messages = stored.getAsJsonArray("messages");
            JsonObject last = messages.get(messages.size() - 1).getAsJsonObject();
            assertEquals("ASSISTANT", last.get("role").getAsString(), last.toString());
            assertTrue(last.has("citations") && last.getAsJsonArray("citations").size() > 0,
                    "the answer kept the passages it was given: " + last);
            driver.navigate().refresh();
            WebElement sources = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#messages li.msg.assistant .citations")));
            String where = sources.getText();
            assertTrue(where.contains(fr ? "Sources" : "Sources") && where.contains(report.getFileName().toString()),
                    where);
            if (fr) {
                assertTrue(where.matches("(?s).*rapport\\.pdf · page \\d+.*"), "the cited pages: " + where);
            }
            sources.findElement(By.cssSelector("button.cite")).click();
            assertTrue(sources.findElement(By.cssSelector(".passage")).isDisplayed(), "a click shows the passage");
            shot(driver, shots, "10-citations");

            // remove one
            driver.findElement(dropped).findElement(By.cssSelector("button.remove")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(dropped));
            assertEquals(1, JsonParser.parseString(web.get("/api/documents?conversation=" + minutes).body())
                    .getAsJsonObject().getAsJsonArray("documents").size());
            shot(driver, shots, "11-removed");
        } catch (RuntimeException | AssertionError e) {
            shot(driver, shots, "99-failure");
            throw new AssertionError("notice: " + js.executeScript("return window.lastNotice || ''") + "; answers: "
                    + js.executeScript("return [...document.querySelectorAll('#messages li.msg')].map(li => li.className"
                            + " + ': ' + li.textContent.slice(0, 80)).join(' | ')"), e);
        } finally {
            driver.quit();
        }
    }

    private static void type(WebDriver driver, String id, String text) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    private static void shot(WebDriver driver, Path folder, String name) throws Exception {
        Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, folder.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}

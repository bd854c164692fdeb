package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * What one does with a conversation in the page, in French, in a real headless Chromium: ask again (the answer
 * replaced in place), edit and resend, copy a code block, rename, search, export in Markdown, and delete after a
 * confirmation that can be declined. Each step is checked in the page and in what the platform stored.
 */
class PageConversationActionsIT {
    @TempDir
    Path dir;

    @Test
    void aConversationIsAskedAgainEditedCopiedRenamedFoundExportedAndDeleted() throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        Path home = dir.resolve("home");
        TinyLlama.unitTest().build().write(Files.createDirectories(home.resolve("models/local/tiny"))
                .resolve("tiny.gguf"));
        try (WebPlatform web = WebPlatform.start(home)) {
            WebDriver driver = Chromium.start(dir, "fr");
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90));
                Chromium.openPage(driver, web, "fr");
                By option = By.cssSelector("#model-select option[value='local/tiny/tiny.gguf']");
                wait.until(ExpectedConditions.presenceOfElementLocated(option));
                wait.ignoring(StaleElementReferenceException.class).until(d -> {
                    new Select(d.findElement(By.id("model-select"))).selectByValue("local/tiny/tiny.gguf");
                    return true;
                });
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model-state"), "Modèle chargé"));

                // a first question starts the conversation
                WebElement prompt = driver.findElement(By.id("prompt"));
                prompt.sendKeys("bonjour");
                prompt.sendKeys(Keys.ENTER);
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#messages li.msg.assistant.done .regenerate")));
                String id = Chromium.currentConversation(wait);
                assertEquals(List.of("user", "assistant"), roles(web, id));

                // ask again: the new answer takes the place of the previous one
                driver.findElement(By.cssSelector("#messages .regenerate")).click();
                wait.until(d -> d.findElements(By.cssSelector("#messages .regenerate")).isEmpty());
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#messages li.msg.assistant.done .regenerate")));
                wait.until(d -> roles(web, id).equals(List.of("user", "assistant")));

                // edit and resend: the question comes back into the box, changed, and goes as a new turn
                driver.findElement(By.cssSelector("#messages li.msg.user .edit")).click();
                assertEquals("bonjour", prompt.getAttribute("value"));
                prompt.sendKeys(" encore");
                prompt.sendKeys(Keys.ENTER);
                wait.until(d -> roles(web, id).equals(List.of("user", "assistant", "user", "assistant")));
                assertEquals("bonjour encore", messages(web, id).get(2).getAsJsonObject().get("content").getAsString());

                // copy a code block of an answer (the page's renderer; the clipboard, else the code selected)
                Object copied = ((JavascriptExecutor) driver).executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "const li = document.createElement('li'); li.className = 'msg assistant done probe';"
                                + "document.getElementById('messages').append(li);"
                                + "window.terroirPage.renderAnswer(li, 'Voici :\\n\\n```sh\\nterroir pull x\\n```');"
                                + "const b = li.querySelector('.code button.copy'); const label = b.textContent; b.click();"
                                + "setTimeout(() => done([label, b.textContent, String(getSelection())]), 500);");
                List<?> c = (List<?>) copied;
                assertEquals("Copier", c.get(0));
                assertTrue("Copié".equals(c.get(1)) || "terroir pull x".equals(String.valueOf(c.get(2)).strip()),
                        "copied or selected: " + c);

                // rename, through the page's own prompt
                Chromium.click(wait, By.cssSelector("#conv-list li.current .rename"));
                org.openqa.selenium.Alert ask = wait.until(ExpectedConditions.alertIsPresent());
                assertTrue(ask.getText().contains("Nouveau nom"), ask.getText());
                ask.sendKeys("Réunion de mardi");
                ask.accept();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(
                        By.cssSelector("#conv-list li[data-id='" + id + "'] .title"), "Réunion de mardi"));
                assertEquals("Réunion de mardi", conversation(web, id).get("title").getAsString());

                // search: by the title, and nothing for words that are nowhere
                WebElement search = driver.findElement(By.id("conv-search"));
                search.sendKeys("mardi");
                wait.until(d -> d.findElements(By.cssSelector("#conv-list li[data-id]")).size() == 1);
                search.clear();
                search.sendKeys("zzzqqq");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("conv-list"),
                        "Aucune conversation ne correspond."));
                search.clear();
                search.sendKeys("x");
                search.sendKeys(Keys.BACK_SPACE); // typed empty again: the whole list
                wait.until(d -> d.findElements(By.cssSelector("#conv-list li[data-id='" + id + "']")).size() == 1);

                // export in Markdown: the file the page hands to the browser
                ((JavascriptExecutor) driver).executeScript("window.exported = null; const make = URL.createObjectURL;"
                        + "URL.createObjectURL = (blob) => { blob.text().then((t) => { window.exported = t; });"
                        + " return make(blob); };");
                Chromium.click(wait, By.cssSelector("#conv-list li[data-id='" + id + "']"));
                wait.until(ExpectedConditions.elementToBeClickable(By.id("export-md"))).click();
                String markdown = (String) wait.until(d -> ((JavascriptExecutor) d).executeScript(
                        "return window.exported"));
                assertTrue(markdown.contains("Réunion de mardi") && markdown.contains("bonjour encore"), markdown);

                // delete: declined first (nothing happens), then confirmed
                By delete = By.cssSelector("#conv-list li[data-id='" + id + "'] .delete");
                Chromium.click(wait, delete);
                org.openqa.selenium.Alert sure = wait.until(ExpectedConditions.alertIsPresent());
                assertTrue(sure.getText().contains("Supprimer cette conversation"), sure.getText());
                sure.dismiss();
                assertEquals(200, web.get("/api/conversations/" + id).statusCode(), "kept when declined");
                Chromium.click(wait, delete);
                wait.until(ExpectedConditions.alertIsPresent()).accept();
                wait.until(ExpectedConditions.invisibilityOfElementLocated(
                        By.cssSelector("#conv-list li[data-id='" + id + "']")));
                assertEquals(404, web.get("/api/conversations/" + id).statusCode(), "gone when confirmed");
            } finally {
                driver.quit();
            }
        }
    }

    private static JsonObject conversation(WebPlatform web, String id) throws Exception {
        var r = web.get("/api/conversations/" + id);
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("conversation");
    }

    private static JsonArray messages(WebPlatform web, String id) {
        try {
            var r = web.get("/api/conversations/" + id);
            return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("messages");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> roles(WebPlatform web, String id) {
        List<String> roles = new java.util.ArrayList<>();
        messages(web, id).forEach(m -> roles.add(m.getAsJsonObject().get("role").getAsString().toLowerCase()));
        return roles;
    }
}

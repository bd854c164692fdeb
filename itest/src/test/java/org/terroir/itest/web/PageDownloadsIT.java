package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

/**
 * A download that fails, in the page, in French: it says why in words (no raw state), a retry finishes it once the
 * cause is gone, and a failed one can be removed, leaving nothing behind. The imitation Hub serves a corrupted
 * byte, so the checksum refuses the file.
 */
class PageDownloadsIT {
    @TempDir
    Path dir;

    @Test
    void aFailedDownloadSaysWhyIsRetriedAndAnotherIsRemoved() throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        try (ImitationHub hub = ImitationHub.start()) {
            hub.addTinyLlama("terroir-test/Tiny-GGUF", dir.resolve("hub"), TensorType.Q8_0, TensorType.Q4_0);
            Path home = dir.resolve("home");
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint() + "\n");
            try (WebPlatform web = WebPlatform.start(home)) {
                WebDriver driver = Chromium.start(dir, "fr");
                try {
                    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90));
                    Chromium.openPage(driver, web, "fr");
                    driver.findElement(By.id("tab-catalog")).click();
                    new Select(driver.findElement(By.id("catalog-id"))).selectByValue("huggingface");
                    driver.findElement(By.id("search-text")).sendKeys("tiny");
                    driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("catalog-list"),
                            "terroir-test/Tiny-GGUF"));

                    // a corrupted byte: the checksum refuses the file, and the page says so in words
                    hub.corruptByte(1000);
                    download(driver, wait, "tiny-Q8_0.gguf");
                    By failed = By.cssSelector("#download-list li[data-file='tiny-Q8_0.gguf'][data-state='FAILED']");
                    wait.until(ExpectedConditions.presenceOfElementLocated(failed));
                    String why = driver.findElement(failed).getText();
                    assertTrue(why.contains("Le téléchargement a échoué : ") && why.contains("échoué")
                            && !why.contains("FAILED"), why);
                    assertTrue(why.contains("Réessayer") && why.contains("Retirer"), why);

                    // the cause gone, a retry finishes it and the model is in the library
                    hub.clearCorruption();
                    click(driver, wait, By.cssSelector("#download-list li[data-file='tiny-Q8_0.gguf'] .retry"));
                    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                            "#download-list li[data-file='tiny-Q8_0.gguf'][data-state='COMPLETED']")));
                    assertTrue(web.get("/api/library").body().contains("tiny-Q8_0.gguf"));

                    // another one fails, and is removed: gone from the list, nothing left on disk
                    hub.corruptByte(1000);
                    download(driver, wait, "tiny-Q4_0.gguf");
                    By other = By.cssSelector("#download-list li[data-file='tiny-Q4_0.gguf']");
                    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                            "#download-list li[data-file='tiny-Q4_0.gguf'][data-state='FAILED']")));
                    click(driver, wait, By.cssSelector("#download-list li[data-file='tiny-Q4_0.gguf'] .remove"));
                    wait.until(ExpectedConditions.invisibilityOfElementLocated(other));
                    assertFalse(web.get("/api/downloads").body().contains("tiny-Q4_0.gguf"));
                    try (Stream<Path> files = Files.walk(home.resolve("models"))) {
                        assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("tiny-Q4_0")),
                                "no file or .part left of the removed download");
                    }

                    // a paused download keeps its .part to resume from; removed, it leaves nothing either
                    hub.clearCorruption();
                    hub.throttle(4096, 100);
                    download(driver, wait, "tiny-Q4_0.gguf");
                    wait.until(d -> partFiles(home, "tiny-Q4_0") > 0);
                    click(driver, wait, By.cssSelector("#download-list li[data-file='tiny-Q4_0.gguf'] .pause"));
                    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                            "#download-list li[data-file='tiny-Q4_0.gguf'][data-state='CANCELLED']")));
                    assertTrue(partFiles(home, "tiny-Q4_0") > 0, "paused: its .part is kept");
                    click(driver, wait, By.cssSelector("#download-list li[data-file='tiny-Q4_0.gguf'] .remove"));
                    wait.until(ExpectedConditions.invisibilityOfElementLocated(other));
                    assertEquals(0, partFiles(home, "tiny-Q4_0"), "no .part left of the removed paused download");
                } finally {
                    driver.quit();
                }
            }
        }
    }

    /** How many files of that name (its .part and what lets it resume) are in the models folder. */
    private static long partFiles(Path home, String prefix) {
        for (int attempt = 0; ; attempt++) {
            try (Stream<Path> files = Files.walk(home.resolve("models"))) {
                return files.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a temporary file (the resume file being rewritten) went while walking: look again
                if (attempt == 10) {
                    throw new AssertionError("the models folder cannot be walked", e);
                }
            }
        }
    }

    /** The catalog's download button of that file. */
    private static void download(WebDriver driver, WebDriverWait wait, String file) {
        click(driver, wait, By.xpath("//ul[@id='catalog-list']//ul/li[contains(text(), '" + file + "')]/button"));
    }

    /** Clicks, looking the element up afresh when the list was redrawn in between. */
    private static void click(WebDriver driver, WebDriverWait wait, By by) {
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(by).click();
            return true;
        });
    }
}

package org.terroir.itest.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The page tests' browser: Debian's headless Chromium and its driver (no browser download), on a fresh profile, in
 * one language, with nothing of its own reaching the network.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Why a page test is skipped where they are missing. */
    static final String MISSING = "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)";

    private Chromium() {
    }

    static boolean available() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /**
     * A headless Chromium with its profile under {@code dir}, speaking {@code lang} ({@code fr} or {@code en}), in a
     * 1280×900 window unless {@code extra} gives another; {@code extra} arguments come last.
     */
    static WebDriver start(Path dir, String lang, String... extra) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"),
                "--lang=" + (lang.equals("fr") ? "fr-FR" : "en-US")));
        if (Arrays.stream(extra).noneMatch(a -> a.startsWith("--window-size="))) {
            arguments.add("--window-size=1280,900");
        }
        arguments.addAll(List.of(extra));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * Opens the platform's page (its address with the page's secret) and picks {@code lang} at the top of the page, as
     * a person does (a headless Chromium does not always pass its {@code --lang} on to the page).
     */
    static void openPage(WebDriver driver, WebPlatform web, String lang) {
        driver.get(web.service(org.terroir.api.web.WebServer.class).pageUrl());
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(90)).until(
                org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable(
                        org.openqa.selenium.By.id("lang")));
        new org.openqa.selenium.support.ui.Select(driver.findElement(org.openqa.selenium.By.id("lang")))
                .selectByValue(lang);
    }

    /**
     * Clicks what {@code by} finds once it is there, finding it again when the page re-drew it between the finding
     * and the click (a list the page renders anew after a search or a save).
     */
    static void click(org.openqa.selenium.support.ui.WebDriverWait wait, org.openqa.selenium.By by) {
        wait.until(d -> {
            try {
                d.findElement(by).click();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException
                    | org.openqa.selenium.NoSuchElementException e) {
                return false;
            }
        });
    }

    /**
     * What {@code reading} finds in the page once it finds something (not {@code null} nor {@code false}), read
     * again when the page re-drew what it was reading (the page re-draws its lists after every answer).
     */
    static <T> T read(org.openqa.selenium.support.ui.WebDriverWait wait,
            java.util.function.Function<org.openqa.selenium.WebDriver, T> reading) {
        return wait.until(d -> {
            try {
                return reading.apply(d);
            } catch (org.openqa.selenium.StaleElementReferenceException
                    | org.openqa.selenium.NoSuchElementException | IndexOutOfBoundsException e) {
                return null;
            }
        });
    }

    /** The id of the conversation the page shows as the current one. */
    static String currentConversation(org.openqa.selenium.support.ui.WebDriverWait wait) {
        return read(wait, d -> d.findElement(org.openqa.selenium.By.cssSelector("#conv-list li.current"))
                .getAttribute("data-id"));
    }

    /**
     * Waits until the page, just reloaded, has reopened the conversation it remembers ({@code id}) and drawn its
     * messages, {@code text} among them, its last answer done: then nothing more re-draws it.
     */
    static void awaitReopened(org.openqa.selenium.support.ui.WebDriverWait wait, String id, String text) {
        read(wait, d -> !d.findElements(org.openqa.selenium.By.cssSelector("#conv-list li.current[data-id='" + id
                + "']")).isEmpty() && d.findElement(org.openqa.selenium.By.id("messages")).getText().contains(text)
                && !d.findElements(org.openqa.selenium.By.cssSelector("#messages li.msg.assistant.done")).isEmpty());
    }
}

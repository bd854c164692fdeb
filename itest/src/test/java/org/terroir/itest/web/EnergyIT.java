package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * An answer's energy and CO2e, end to end on the assembled platform with a real llama.cpp worker: the shell's stats
 * line, the page's answer, conversation total and day/month totals, the Settings country, and the API's
 * {@code usage.energy}. France is configured (56 g CO2e/kWh), so every CO2e figure can be checked against the joules.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnergyIT {
    private static final double FRANCE_G_PER_KWH = 56;
    /** "CPU time 1.23 s × 10 W per core (desktop class)": the worker's CPU seconds the estimate used. */
    private static final Pattern CPU_SECONDS = Pattern.compile("CPU time ([0-9.]+) s");

    @TempDir
    static Path dir;
    static WebPlatform web;
    static String modelId;

    @BeforeAll
    static void boot() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/org.terroir.energy.cfg"), "country=FR\n");
        web = WebPlatform.start(home);
        Path model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
        String name = web.service(ModelLibrary.class).importFile(model, "local/tiny", ImportMode.COPY).name();
        JsonArray loaded = JsonParser.parseString(web.post("/api/models-load", "{\"ref\":\"" + name
                + "\",\"contextLength\":256}").body()).getAsJsonArray();
        modelId = loaded.get(0).getAsJsonObject().get("id").getAsString();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    private static JsonObject object(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** Checks one energy object: joules of real work, the CO2e of France for them, and what it came from. */
    private static double checkEnergy(JsonObject e, String countryName) {
        double joules = e.get("joules").getAsDouble();
        assertTrue(joules > 0, "an answer costs energy: " + e);
        assertEquals(joules / 3600, e.get("wh").getAsDouble(), 1e-9, e.toString());
        assertTrue(List.of("measured", "estimated").contains(e.get("method").getAsString()), e.toString());
        assertEquals(joules / 3_600_000 * FRANCE_G_PER_KWH, e.get("co2_grams").getAsDouble(), 1e-9, e.toString());
        assertEquals("FR", e.get("country").getAsString());
        assertEquals(countryName, e.get("country_name").getAsString());
        String source = e.get("source").getAsString();
        Matcher cpu = CPU_SECONDS.matcher(source);
        if (cpu.find()) {
            // Estimated from the worker's CPU time: the worker process did work, so its seconds are not zero.
            assertTrue(Double.parseDouble(cpu.group(1)) > 0, "the worker's CPU time was attributed: " + source);
        } else {
            assertTrue(source.contains("RAPL"), source);
        }
        return joules;
    }

    @Test
    @Order(1)
    void thePageShowsEachAnswersEnergyTheConversationsTotalAndTheDays() throws Exception {
        String id = object(web.post("/api/conversations", "{\"modelRef\":\"" + modelId + "\"}")).get("id")
                .getAsString();
        double sum = 0;
        for (String text : List.of("Bonjour !", "Encore une fois ?")) {
            HttpResponse<String> stream = web.post("/api/conversations/" + id + "/send?lang=fr", "{\"text\":\""
                    + text + "\"}");
            assertEquals(200, stream.statusCode(), stream.body());
            String done = stream.body().lines().dropWhile(l -> !l.equals("event: done")).skip(1).findFirst()
                    .orElseThrow(() -> new AssertionError(stream.body()));
            JsonObject reply = JsonParser.parseString(done.substring("data: ".length())).getAsJsonObject();
            sum += checkEnergy(reply.getAsJsonObject("message").getAsJsonObject("stats").getAsJsonObject("energy"),
                    "France");
        }

        JsonObject conversation = object(web.get("/api/conversations/" + id + "?lang=en"));
        for (var m : conversation.getAsJsonArray("messages")) {
            JsonObject message = m.getAsJsonObject();
            if (message.get("role").getAsString().equals("ASSISTANT")) {
                checkEnergy(message.getAsJsonObject("stats").getAsJsonObject("energy"), "France");
            }
        }
        JsonObject total = conversation.getAsJsonObject("energy");
        assertEquals(2, total.get("count").getAsInt(), total.toString());
        assertEquals(sum, total.get("joules").getAsDouble(), 1e-3, "the stored answers add up: " + total);
        assertEquals(sum / 3_600_000 * FRANCE_G_PER_KWH, total.get("co2_grams").getAsDouble(), 1e-6);

        JsonObject energy = object(web.get("/api/energy?lang=fr"));
        assertEquals("FR", energy.get("country").getAsString());
        assertEquals("France", energy.get("country_name").getAsString());
        assertEquals(31, energy.getAsJsonArray("days").size());
        assertEquals(12, energy.getAsJsonArray("months").size());
        JsonObject today = energy.getAsJsonArray("days").get(30).getAsJsonObject();
        assertTrue(today.get("count").getAsInt() >= 2 && today.get("joules").getAsDouble() >= sum - 1e-3,
                "today's bar holds the answers: " + today);
        assertEquals(today.get("joules").getAsDouble(), energy.getAsJsonObject("today").get("joules").getAsDouble(),
                1e-9);
        assertTrue(energy.getAsJsonObject("month").get("joules").getAsDouble() >= sum - 1e-3, energy.toString());
        assertTrue(energy.getAsJsonArray("countries").toString().contains("\"Allemagne\""), "names in French");
    }

    @Test
    @Order(2)
    void theApiUsageCarriesTheEnergyExtension() throws Exception {
        JsonObject answer = object(web.post("/v1/chat/completions", "{\"model\":\"" + modelId
                + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
        checkEnergy(answer.getAsJsonObject("usage").getAsJsonObject("energy"), "France");
    }

    @Test
    @Order(3)
    void theShellsStatsLineSaysEnergyCo2AndHowItWasObtained() {
        String out = shell("ask -m " + modelId + " -n 8 Bonjour");
        assertTrue(out.matches("(?s).*· ≈ [0-9.,]+ (J|Wh) · (≈ [0-9.,]+|< 0[.,]01) g CO2e \\(France\\) · "
                + "(measured|estimated).*"), out);
    }

    @Test
    @Order(4)
    void theSettingsCountryChangesTheGridAndRefusesAnUnknownOne() throws Exception {
        assertEquals("FR", object(web.get("/api/settings")).get("country").getAsString());
        assertEquals(400, web.post("/api/settings", "{\"country\":\"XX\"}").statusCode());
        assertEquals("DE", object(web.post("/api/settings", "{\"country\":\"de\"}")).get("country").getAsString());
        // ConfigurationAdmin hands the new country to the calculator on its own thread.
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String country = "";
        while (System.nanoTime() < end && !country.equals("DE")) {
            country = object(web.get("/api/energy")).get("country").getAsString();
            Thread.sleep(100);
        }
        assertEquals("DE", country);
        JsonObject usage = object(web.post("/v1/chat/completions", "{\"model\":\"" + modelId
                + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .getAsJsonObject("usage").getAsJsonObject("energy");
        assertEquals("DE", usage.get("country").getAsString());
        assertEquals(usage.get("joules").getAsDouble() / 3_600_000 * 381, usage.get("co2_grams").getAsDouble(), 1e-9);
        assertEquals("", object(web.post("/api/settings", "{\"country\":\"\"}")).get("country").getAsString(),
                "empty: back to the system's country");
    }

    @Test
    @Order(5)
    void aPersonReadsTheEnergyUnderTheAnswerTheConversationsTotalAndTheChart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Chromium.available(), Chromium.MISSING);
        object(web.post("/api/settings", "{\"country\":\"FR\"}"));
        org.openqa.selenium.WebDriver driver = Chromium.start(dir, "fr");
        try {
            org.openqa.selenium.support.ui.WebDriverWait wait = new org.openqa.selenium.support.ui.WebDriverWait(
                    driver, Duration.ofSeconds(90));
            driver.get(web.service(org.terroir.api.web.WebServer.class).pageUrl());
            // The page in French: the figures are written the French way, the method in French.
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(
                    org.openqa.selenium.By.cssSelector("#model-select option[value='" + modelId + "']")));
            new org.openqa.selenium.support.ui.Select(driver.findElement(org.openqa.selenium.By.id("lang")))
                    .selectByValue("fr");
            // the language drawn, the page lists the models again: the pick is made on the list drawn last
            Chromium.read(wait, d -> {
                new org.openqa.selenium.support.ui.Select(d.findElement(org.openqa.selenium.By.id("model-select")))
                        .selectByValue(modelId);
                return modelId.equals(d.findElement(org.openqa.selenium.By.id("model-select")).getAttribute("value"));
            });
            driver.findElement(org.openqa.selenium.By.id("new-conv")).click();
            Chromium.currentConversation(wait);
            org.openqa.selenium.WebElement prompt = driver.findElement(org.openqa.selenium.By.id("prompt"));
            prompt.sendKeys("Bonjour !");
            prompt.sendKeys(org.openqa.selenium.Keys.ENTER);
            org.openqa.selenium.WebElement answer = wait.until(org.openqa.selenium.support.ui.ExpectedConditions
                    .presenceOfElementLocated(org.openqa.selenium.By.cssSelector("#messages li.msg.assistant.done")));
            String stats = answer.findElement(org.openqa.selenium.By.cssSelector(".stats")).getText();
            assertTrue(stats.matches("(?s).* · ≈ [0-9 ,]+ (J|Wh) · (≈ [0-9,]+|< 0,01) g CO2e \\(France\\) · "
                    + "(mesuré|estimé)"), "under the answer, in French: " + stats);
            // the conversation's total says how it was obtained: with one answer, as that answer does
            String method = stats.endsWith("mesuré") ? "mesuré" : "estimé";
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textMatches(
                    org.openqa.selenium.By.id("conv-energy"), Pattern.compile("Cette conversation : ≈ .* g CO2e "
                            + "\\(France\\) · " + method + " · 1 réponse")));
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
                    org.openqa.selenium.By.id("energy"), "Aujourd’hui : ≈"));
            // the chart is drawn again once the answer is counted: today's bar is read on the one drawn last
            List<String> bars = Chromium.read(wait, d -> {
                List<String> heights = d.findElements(org.openqa.selenium.By.cssSelector(
                        "#energy svg.energy-chart rect")).stream().map(r -> r.getAttribute("height")).toList();
                return heights.size() == 31 && Double.parseDouble(heights.get(30)) > 0 ? heights : null;
            });
            assertEquals(31, bars.size(), "a bar per day of the last 31, today's drawn");
            Chromium.read(wait, d -> {
                d.findElements(org.openqa.selenium.By.cssSelector("#energy button")).get(1).click();
                return true;
            });
            wait.until(d -> d.findElements(org.openqa.selenium.By.cssSelector("#energy svg.energy-chart rect"))
                    .size() == 12);

            driver.findElement(org.openqa.selenium.By.id("tab-settings")).click();
            org.openqa.selenium.support.ui.Select country = new org.openqa.selenium.support.ui.Select(wait.until(
                    org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(
                            org.openqa.selenium.By.cssSelector("#set-country option[value='DE']")))
                    .findElement(org.openqa.selenium.By.xpath("..")));
            wait.until(d -> "FR".equals(country.getFirstSelectedOption().getAttribute("value")));
            assertTrue(country.getFirstSelectedOption().getText().startsWith("France"));
            country.selectByValue("CH");
            driver.findElement(org.openqa.selenium.By.id("settings-save")).click();
            wait.until(d -> {
                try {
                    return object(web.get("/api/settings")).get("country").getAsString().equals("CH");
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            driver.quit();
        }
    }

    private static String shell(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = web.platform.execute(command, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, command + ": " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}

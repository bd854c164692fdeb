package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.ApiKeys;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Terroir as the shared server of a collective: the assembled platform without console (as {@code --server} runs
 * it), {@code requireKeys} set so that even loopback requests need a key, a tiny model on the real llama.cpp worker,
 * member keys made with the shell's {@code key create}. Concurrent clients (a bounded pool, loopback only): the
 * limited member gets exactly its requests per minute, then 429s with {@code Retry-After}, while the other member is
 * served; the tokens of every dialect are counted per key; the daily token quota refuses with when to come back;
 * an expired key is refused; a member's key cannot reach the page's admin routes; a request passed on by a reverse
 * proxy needs a key; and after a restart the usage and the quota are still there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedServerIT {
    private static final LoadOptions SMALL = LoadOptions.defaults().withContextLength(256).withThreads(2);
    private static final String CHAT = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Say"
            + " something\"}],\"max_tokens\":4,\"temperature\":0}";
    private static final String STREAM = CHAT.substring(0, CHAT.length() - 1)
            + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";

    @TempDir
    static Path dir;
    static Path home;
    static Path model;
    static WebPlatform web;
    static String alice;
    static String bob;
    static String old;
    /** What the API answers reported as used (usage fields), per member, to compare with the keys' usage. */
    static long aliceTokens;
    static long bobTokens;
    static int aliceServed;
    static int bobServed;

    @BeforeAll
    static void boot() throws Exception {
        home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/org.terroir.web.cfg"), "requireKeys=true\n");
        model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
        start();
    }

    private static void start() throws Exception {
        web = WebPlatform.start(home);
        web.models().load(model.toString(), SMALL);
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    private static HttpResponse<String> call(String path, String json, String key, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofMinutes(2));
        if (json != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return web.send(b.build());
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** The secret printed by the shell's {@code key create}. */
    private static String create(String command) {
        String out = shell(command);
        return out.lines().map(String::strip).filter(l -> l.startsWith("trr-")).findFirst()
                .orElseThrow(() -> new AssertionError("no secret in: " + out));
    }

    private static final java.io.ByteArrayOutputStream OUT = new java.io.ByteArrayOutputStream();

    private static String shell(String command) {
        int status = web.platform.execute(command, new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(OUT, true), new java.io.PrintStream(OUT, true));
        String out = OUT.toString(java.nio.charset.StandardCharsets.UTF_8);
        OUT.reset();
        assertEquals(0, status, command + ": " + out);
        return out;
    }

    private static ApiKey key(String label) {
        return web.service(ApiKeys.class).list().stream().filter(k -> k.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no key " + label));
    }

    @Test
    @Order(1)
    void membersGetKeysFromTheShellAndNothingIsServedWithoutOne() throws Exception {
        alice = create("key create alice --rpm 3 --tokens-per-day 10");
        bob = create("key create bob");
        old = create("key create old --expires 2020-01-01");
        assertEquals(3, key("alice").limits().requestsPerMinute());
        assertEquals(10, key("alice").limits().tokensPerDay());
        assertTrue(key("old").expiredAt(java.time.Instant.now()));

        HttpResponse<String> none = call("/v1/chat/completions", CHAT, null);
        assertEquals(401, none.statusCode(), "requireKeys: loopback needs a key too: " + none.body());
        assertEquals("invalid_api_key", json(none).getAsJsonObject("error").get("code").getAsString());
        assertEquals(401, call("/v1/models", null, "trr-not-a-key").statusCode());
        assertEquals(200, call("/v1/models", null, bob).statusCode());
    }

    @Test
    @Order(2)
    void underConcurrentClientsTheLimitedMemberGetsItsThreeRequestsAndTheOtherIsServed() throws Exception {
        int each = 6;
        ExecutorService pool = Executors.newFixedThreadPool(2 * each);
        List<Future<HttpResponse<String>>> a = new ArrayList<>();
        List<Future<HttpResponse<String>>> b = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int i = 0; i < each; i++) {
                a.add(pool.submit(() -> {
                    go.await();
                    return call("/v1/chat/completions", CHAT, alice);
                }));
                b.add(pool.submit(() -> {
                    go.await();
                    return call("/v1/chat/completions", CHAT, bob);
                }));
            }
            go.countDown();
            int refused = 0;
            for (Future<HttpResponse<String>> f : a) {
                HttpResponse<String> r = f.get(3, TimeUnit.MINUTES);
                if (r.statusCode() == 200) {
                    aliceServed++;
                    aliceTokens += json(r).getAsJsonObject("usage").get("total_tokens").getAsLong();
                } else {
                    refused++;
                    assertEquals(429, r.statusCode(), r.body());
                    JsonObject error = json(r).getAsJsonObject("error");
                    assertEquals("rate_limit_exceeded", error.get("code").getAsString());
                    assertEquals("requests", error.get("type").getAsString());
                    assertTrue(error.get("message").getAsString().contains("3 requests per minute"), r.body());
                    long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
                }
            }
            assertEquals(3, aliceServed, "exactly its requests per minute, however many come at once");
            assertEquals(each - 3, refused);
            for (Future<HttpResponse<String>> f : b) {
                HttpResponse<String> r = f.get(3, TimeUnit.MINUTES);
                assertEquals(200, r.statusCode(), "the other member is served: " + r.body());
                bobServed++;
                bobTokens += json(r).getAsJsonObject("usage").get("total_tokens").getAsLong();
            }
        } finally {
            pool.shutdownNow();
        }
        HttpResponse<String> fr = call("/v1/chat/completions", CHAT, alice, "Accept-Language", "fr-FR,fr;q=0.9");
        assertEquals(429, fr.statusCode());
        assertTrue(fr.body().contains("requêtes par minute"), fr.body());
    }

    @Test
    @Order(3)
    void everyDialectIsCountedOnTheKeyThatAsked() throws Exception {
        HttpResponse<String> completions = call("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"Once\",\"max_tokens\":3,\"temperature\":0}", bob);
        assertEquals(200, completions.statusCode(), completions.body());
        bobTokens += json(completions).getAsJsonObject("usage").get("total_tokens").getAsLong();

        HttpResponse<String> responses = call("/v1/responses",
                "{\"model\":\"tiny\",\"input\":\"Say something\",\"max_output_tokens\":3,\"store\":false}", bob);
        assertEquals(200, responses.statusCode(), responses.body());
        bobTokens += json(responses).getAsJsonObject("usage").get("total_tokens").getAsLong();

        HttpResponse<String> messages = call("/v1/messages", "{\"model\":\"tiny\",\"max_tokens\":3,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}", bob);
        assertEquals(200, messages.statusCode(), messages.body());
        JsonObject mu = json(messages).getAsJsonObject("usage");
        bobTokens += mu.get("input_tokens").getAsLong() + mu.get("output_tokens").getAsLong();

        HttpResponse<String> ollama = call("/ollama/api/chat", "{\"model\":\"tiny\",\"stream\":false,"
                + "\"options\":{\"num_predict\":3},\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}", bob);
        assertEquals(200, ollama.statusCode(), ollama.body());
        bobTokens += json(ollama).get("prompt_eval_count").getAsLong() + json(ollama).get("eval_count").getAsLong();

        HttpResponse<String> streamed = call("/v1/chat/completions", STREAM, bob);
        assertEquals(200, streamed.statusCode(), streamed.body());
        String usageLine = streamed.body().lines().filter(l -> l.startsWith("data: {") && l.contains("\"usage\":{"))
                .reduce((x, y) -> y).orElseThrow(() -> new AssertionError(streamed.body()));
        bobTokens += JsonParser.parseString(usageLine.substring(6)).getAsJsonObject().getAsJsonObject("usage")
                .get("total_tokens").getAsLong();
        bobServed += 5;

        ApiKey b = key("bob");
        assertEquals(bobTokens, b.usage().promptTokens() + b.usage().completionTokens(),
                "the key's usage is what the answers of every dialect reported");
        assertEquals(bobServed + 1, b.usage().requests(), "its requests, the GET /v1/models included");
        ApiKey a = key("alice");
        assertEquals(3, a.usage().requests(), "refused requests are not counted");
        assertEquals(aliceTokens, a.usage().promptTokens() + a.usage().completionTokens());
        assertTrue(a.usage().lastUsed() != null);
    }

    @Test
    @Order(4)
    void theDailyTokenQuotaRefusesWithTheTimeToMidnight() throws Exception {
        assertTrue(aliceTokens > 10, "three answers used more than the 10 tokens of the day: " + aliceTokens);
        shell("key limits " + key("alice").id() + " --rpm 0");
        HttpResponse<String> r = call("/v1/chat/completions", CHAT, alice);
        assertEquals(429, r.statusCode(), r.body());
        JsonObject error = json(r).getAsJsonObject("error");
        assertEquals("tokens", error.get("type").getAsString());
        assertEquals("rate_limit_exceeded", error.get("code").getAsString());
        assertTrue(error.get("message").getAsString().contains("midnight"), r.body());
        long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 25 * 3600, "Retry-After " + retry);
        HttpResponse<String> ollama = call("/ollama/api/chat", "{\"model\":\"tiny\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", alice);
        assertEquals(429, ollama.statusCode(), "one quota for every dialect");
        assertEquals(200, call("/v1/chat/completions", CHAT, bob).statusCode(), "bob has no limit");

        String list = shell("key list");
        assertTrue(list.contains("alice") && list.contains("bob") && list.contains("old"), list);
        assertTrue(list.contains(aliceTokens + "/10"), "today's tokens against the limit: " + list);
    }

    @Test
    @Order(5)
    void anAnswerIsCutToTheTokensLeftOfTheDay() throws Exception {
        String dora = create("key create dora --tokens-per-day 2");
        HttpResponse<String> r = call("/v1/chat/completions", CHAT, dora);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject usage = json(r).getAsJsonObject("usage");
        assertEquals(2, usage.get("completion_tokens").getAsInt(), "max_tokens 4, but 2 tokens left today: " + r.body());
        assertEquals("length", json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason")
                .getAsString());
        assertEquals(usage.get("total_tokens").getAsLong(), key("dora").usage().tokensOn(java.time.LocalDate.now()));
        assertEquals(429, call("/v1/chat/completions", CHAT, dora).statusCode(), "the prompt counted too: over");
    }

    @Test
    @Order(5)
    void anExpiredKeyIsRefusedInTheReadersLanguage() throws Exception {
        HttpResponse<String> r = call("/v1/models", null, old);
        assertEquals(401, r.statusCode());
        assertTrue(json(r).getAsJsonObject("error").get("message").getAsString().contains("expired"), r.body());
        HttpResponse<String> fr = call("/v1/models", null, old, "Accept-Language", "fr");
        assertTrue(fr.body().contains("a expiré"), fr.body());
        shell("key limits " + key("old").id() + " --expires never");
        assertEquals(200, call("/v1/models", null, old).statusCode(), "the expiry removed, the key works again");
    }

    @Test
    @Order(6)
    void theAdminRoutesAreThePagesOnlyAndAProxiedRequestNeedsAKey() throws Exception {
        String body = "{\"label\":\"mallory\",\"rpm\":1000}";
        HttpResponse<String> member = call("/api/keys-create", body, bob);
        assertEquals(401, member.statusCode(), "a member's key does not open the admin routes: " + member.body());
        assertEquals(401, call("/api/settings", null, bob).statusCode());
        assertEquals(401, call("/api/settings", null, null, "X-Forwarded-For", "203.0.113.7").statusCode());
        assertEquals(401, call("/api/keys-revoke", "{\"id\":\"" + key("alice").id() + "\"}", bob).statusCode());
        assertFalse(web.service(ApiKeys.class).list().stream().anyMatch(k -> k.label().equals("mallory")));

        // The page on this machine (its secret; requireKeys asks the APIs only) creates a key with limits.
        HttpResponse<String> page = web.send(web.asPage("/api/keys-create")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"label\":\"carol\",\"rpm\":5,\"tokensPerDay\":1000,\"expires\":\"2099-12-31\"}")).build());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(json(page).get("secret").getAsString().startsWith("trr-"));
        assertEquals(5, key("carol").limits().requestsPerMinute());
        HttpResponse<String> badDay = web.send(web.asPage("/api/keys-create")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"label\":\"dan\",\"expires\":\"31/12/2099\"}")).build());
        assertEquals(400, badDay.statusCode(), badDay.body());
        assertTrue(badDay.body().contains("YYYY-MM-DD"), badDay.body());
        HttpResponse<String> settings = web.send(web.asPage("/api/settings").build());
        assertTrue(settings.body().contains("\"tokensToday\":" + aliceTokens), settings.body());

        // Without requireKeys, loopback is served without a key, but not what a reverse proxy passes on.
        web.configureWeb("requireKeys=false\n");
        assertEquals(200, call("/v1/models", null, null).statusCode());
        for (Map.Entry<String, String> h : Map.of("X-Forwarded-For", "203.0.113.7", "Forwarded",
                "for=203.0.113.7;proto=https", "X-Real-IP", "203.0.113.7").entrySet()) {
            HttpResponse<String> proxied = call("/v1/models", null, null, h.getKey(), h.getValue());
            assertEquals(401, proxied.statusCode(), h.getKey() + ": " + proxied.body());
            assertEquals(200, call("/v1/models", null, bob, h.getKey(), h.getValue()).statusCode());
        }
        HttpResponse<String> still = call("/v1/chat/completions", CHAT, alice);
        assertEquals(429, still.statusCode(), "a key sent where none is needed is limited just the same");
        web.configureWeb("requireKeys=true\n");
        assertEquals(401, call("/v1/models", null, null).statusCode());
    }

    @Test
    @Order(7)
    void theAdministratorManagesMembersInThePage() throws Exception {
        assumeTrue(Chromium.available(), Chromium.MISSING);
        WebDriver driver = Chromium.start(dir, "en");
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            driver.get(web.service(org.terroir.api.web.WebServer.class).pageUrl());
            wait.until(ExpectedConditions.elementToBeClickable(By.id("tab-settings"))).click();
            By aliceRow = By.cssSelector("#key-list li[data-id='" + key("alice").id() + "']");
            wait.until(ExpectedConditions.presenceOfElementLocated(aliceRow));
            String row = driver.findElement(aliceRow).getText();
            assertTrue(row.contains("alice") && row.contains("3 request(s)") && row.contains("today " + aliceTokens
                    + "/10") && row.contains("10 tokens/day"), row);
            String oldRow = driver.findElement(By.cssSelector("#key-list li[data-id='" + key("old").id() + "']"))
                    .getText();
            assertFalse(oldRow.contains("EXPIRED"), "its expiry was removed: " + oldRow);

            driver.findElement(By.id("key-label")).sendKeys("erin");
            driver.findElement(By.id("key-rpm")).sendKeys("7");
            driver.findElement(By.id("key-tpd")).sendKeys("500");
            ((JavascriptExecutor) driver).executeScript("arguments[0].value = '2099-12-31'",
                    driver.findElement(By.id("key-expires")));
            driver.findElement(By.id("key-create")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-secret"), "trr-"));
            String secret = driver.findElement(By.id("key-secret")).getText().replaceAll(".*(trr-\\S+).*", "$1");
            ApiKey erin = key("erin");
            assertEquals(new org.terroir.api.web.KeyLimits(7, 500, 0), erin.limits());
            assertTrue(web.service(ApiKeys.class).verify(secret), "the secret shown is the key's");
            By erinRow = By.cssSelector("#key-list li[data-id='" + erin.id() + "']");
            wait.until(ExpectedConditions.presenceOfElementLocated(erinRow));
            String shown = driver.findElement(erinRow).getText();
            assertTrue(shown.contains("7/min") && shown.contains("500 tokens/day") && shown.contains("2099-12-31")
                    && shown.contains("never used"), shown);
            assertFalse(shown.contains(secret), "the secret is not in the list");
            driver.findElement(erinRow).findElement(By.tagName("button")).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(erinRow));
            assertFalse(web.service(ApiKeys.class).verify(secret), "revoked from the page");
        } finally {
            driver.quit();
        }
    }


    @Test
    @Order(8)
    void usageAndQuotasSurviveARestart() throws Exception {
        ApiKey before = key("alice");
        long bobBefore = key("bob").usage().completionTokens();
        web.close();
        web = null;
        Path usage = home.resolve("data/web/api-usage.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(usage)));
        String stored = Files.readString(usage) + Files.readString(home.resolve("data/web/api-keys.json"));
        assertFalse(stored.contains(alice) || stored.contains(bob), "no secret on disk, hashes only");

        start();
        ApiKey after = key("alice");
        assertEquals(before.usage().requests(), after.usage().requests());
        assertEquals(before.usage().promptTokens(), after.usage().promptTokens());
        assertEquals(before.usage().completionTokens(), after.usage().completionTokens());
        assertEquals(before.limits(), after.limits());
        assertEquals(bobBefore, key("bob").usage().completionTokens());
        HttpResponse<String> r = call("/v1/chat/completions", CHAT, alice);
        assertEquals(429, r.statusCode(), "the day's tokens are still counted: " + r.body());
        assertEquals("tokens", json(r).getAsJsonObject("error").get("type").getAsString());
        assertEquals(200, call("/v1/chat/completions", CHAT, bob).statusCode());
    }
}

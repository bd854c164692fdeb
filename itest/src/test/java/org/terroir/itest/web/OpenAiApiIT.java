package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.web.ApiKeys;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.WebServer;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.itest.Await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;

/**
 * The OpenAI-compatible API of the assembled platform: the official OpenAI Java client, unchanged, lists models,
 * chats (whole and streamed) and embeds with a generated model run by llama.cpp; a raw client sends what a broken or
 * hostile program would, and each gets OpenAI's error object with the documented status while the server keeps serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenAiApiIT {
    private static final LoadOptions SMALL = LoadOptions.defaults().withContextLength(256).withThreads(2);

    @TempDir
    static Path dir;
    static WebPlatform web;
    static OpenAIClient client;

    @BeforeAll
    static void boot() throws Exception {
        web = WebPlatform.start(dir.resolve("home"));
        Path chat = dir.resolve("tiny.gguf");
        Path embed = dir.resolve("tiny-embed.gguf");
        TinyLlama.unitTest().build().write(chat);
        TinyLlama.unitTest().build().write(embed);
        assertEquals("tiny", web.models().load(chat.toString(), SMALL).descriptor().path().getFileName().toString()
                .replace(".gguf", ""));
        web.models().load(embed.toString(), SMALL.withEmbeddings(true));
        client = web.openAi();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close(); // its clients too
        }
    }

    private static ChatCompletionCreateParams chatParams(int maxTokens) {
        return ChatCompletionCreateParams.builder().model("tiny").addSystemMessage("You are terse.")
                .addUserMessage("Say something").maxCompletionTokens(maxTokens).temperature(0.0).seed(3).build();
    }

    @Test
    @Order(1)
    void theOpenAiClientListsTheLoadedModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.contains("tiny"), ids.toString());
        assertTrue(ids.contains("tiny-embed"), ids.toString());
    }

    @Test
    @Order(2)
    void theOpenAiClientChatsWholeAndStreamedWithTheSameAnswer() {
        ChatCompletion whole = client.chat().completions().create(chatParams(12));
        assertEquals(1, whole.choices().size());
        ChatCompletion.Choice choice = whole.choices().get(0);
        String text = choice.message().content().orElse("");
        long completionTokens = whole.usage().orElseThrow().completionTokens();
        assertTrue(whole.usage().orElseThrow().promptTokens() > 3, "the chat template wraps the messages");
        String finish = choice.finishReason().asString();
        assertTrue(finish.equals("length") && completionTokens == 12 || finish.equals("stop") && completionTokens < 12,
                finish + " after " + completionTokens + " tokens");

        StringBuilder streamed = new StringBuilder();
        int chunks = 0;
        String streamedFinish = null;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chatParams(12))) {
            for (ChatCompletionChunk chunk : stream.stream().toList()) {
                chunks++;
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    c.delta().content().ifPresent(streamed::append);
                    if (c.finishReason().isPresent()) {
                        streamedFinish = c.finishReason().get().asString();
                    }
                }
            }
        }
        assertEquals(text, streamed.toString(), "greedy decoding: the stream adds up to the same answer");
        assertEquals(finish, streamedFinish);
        assertTrue(completionTokens < 2 || chunks > 2, "tokens arrive as separate chunks, not one block");
    }

    @Test
    @Order(3)
    void theOpenAiClientGetsEmbeddings() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("tiny-embed").input("Bonjour tout le monde").build());
        assertEquals(1, response.data().size());
        List<Float> vector = response.data().get(0).embedding();
        assertFalse(vector.isEmpty());
        assertTrue(vector.stream().anyMatch(v -> v != 0f), "a real vector, not zeros");
    }

    @Test
    @Order(4)
    void rawStreamEndsWithDoneAndStopStringsAreAccepted() throws Exception {
        HttpResponse<String> r = web.post("/v1/chat/completions", """
                {"model":"tiny","messages":[{"role":"user","content":"Hi"}],"max_tokens":5,"stream":true,
                 "stop":["zzz","yyy"],"stream_options":{"include_usage":true},"temperature":0.5,"top_p":0.9}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertEquals("data: [DONE]", events.get(events.size() - 1));
        JsonObject usage = JsonParser.parseString(events.get(events.size() - 2).substring(6)).getAsJsonObject();
        assertTrue(usage.getAsJsonObject("usage").get("completion_tokens").getAsInt() <= 5, usage.toString());

        HttpResponse<String> text = web.post("/v1/completions", """
                {"model":"tiny","prompt":"Once upon a time","max_tokens":4,"stop":"zzz"}""");
        assertEquals(200, text.statusCode(), text.body());
        JsonObject body = JsonParser.parseString(text.body()).getAsJsonObject();
        assertEquals("text_completion", body.get("object").getAsString());
    }

    @Test
    @Order(5)
    void badRequestsGetOpenAiErrorsWithTheirStatus() throws Exception {
        assertError(web.post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": ["), 400, "invalid_json",
                null);
        assertError(web.post("/v1/chat/completions", "[1,2]"), 400, "invalid_json", null);
        assertError(web.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                400, "missing_required_parameter", "model");
        assertError(web.post("/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":\"hello\"}"), 400,
                "invalid_type", "messages");
        assertError(web.post("/v1/chat/completions",
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":\"ten\"}"),
                400, "invalid_type", "max_tokens");
        assertError(web.post("/v1/chat/completions",
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":9}"),
                400, "invalid_value", "temperature");
        assertError(web.post("/v1/chat/completions",
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"), 400, "invalid_value",
                "messages[0].role");
        assertError(web.post("/v1/embeddings", "{\"model\":\"tiny-embed\",\"input\":[1,2,3]}"), 400,
                "invalid_type", "input");
        assertError(web.post("/v1/chat/completions",
                "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 404,
                "model_not_found", "model");
        assertError(web.post("/v1/chat/completions",
                "{\"model\":\"/etc/passwd\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 404,
                "model_not_found", "model");
        String longPrompt = "word ".repeat(2000);
        JsonObject tooLong = assertError(web.post("/v1/chat/completions",
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt + "\"}]}"), 400,
                "context_length_exceeded", "messages");
        assertTrue(tooLong.get("message").getAsString().contains("256"), "says the context size: " + tooLong);
        assertError(web.get("/v1/nothing-here"), 404, "unknown_url", null);

        // 5 MB, declared up front, then the same streamed without a length: both stopped at the 4 MB limit.
        String huge = "{\"model\":\"tiny\",\"prompt\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}";
        assertError(web.post("/v1/completions", huge), 413, "request_too_large", null);
        HttpResponse<String> chunked = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertError(chunked, 413, "request_too_large", null);

        // ...and the server still serves.
        assertEquals(200, web.get("/v1/models").statusCode());
        assertEquals(200, web.post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Hi\",\"max_tokens\":2}")
                .statusCode());
    }

    @Test
    @Order(6)
    void aClientThatLeavesMidStreamCancelsItsGenerationAndTheServerGoesOn() throws Exception {
        HttpResponse<InputStream> r = web.http.send(HttpRequest.newBuilder(URI.create(web.base()
                + "/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"tiny","messages":[{"role":"user","content":"Tell a long story"}],
                         "max_tokens":100000,"temperature":1.0,"seed":7,"stream":true}""")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            assertTrue(reader.readLine().startsWith("data: "));
        }
        HttpResponse<String> after = web.post("/v1/chat/completions",
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":3}");
        assertEquals(200, after.statusCode(), after.body());
    }

    @Test
    @Order(7)
    void offLoopbackEveryRequestNeedsAKey() throws Exception {
        ApiKeys keys = web.service(ApiKeys.class);
        WebServer server = web.service(WebServer.class);
        assertFalse(server.status().keyRequired());
        // As a user would: a configuration file in TERROIR_HOME/conf makes the server listen on every interface.
        Path cfg = web.platform.home().resolve("conf/org.apache.felix.http.cfg");
        Files.writeString(cfg, "org.osgi.service.http.port=" + web.port + "\norg.apache.felix.http.host=0.0.0.0\n");
        try {
            assertTrue(Await.until(() -> server.status().keyRequired()), "the server listens beyond loopback");
            web.awaitStatus("/v1/models", 401);
            JsonObject missing = assertError(web.get("/v1/models"), 401, "invalid_api_key", null);
            assertTrue(missing.get("message").getAsString().contains("keys create"), missing.toString());
            assertError(web.withKey("/v1/models", "trr-wrong"), 401, "invalid_api_key", null);
            assertError(web.post("/api/machine", "{}"), 401, "invalid_api_key", null);

            CreatedKey key = keys.create("itest");
            assertEquals(200, web.withKey("/v1/models", key.secret()).statusCode());
            String stored = Files.readString(web.platform.home().resolve("data/web/api-keys.json"));
            assertFalse(stored.contains(key.secret()), "only a hash of the key is kept");
            assertTrue(keys.revoke(key.key().id()));
            assertError(web.withKey("/v1/models", key.secret()), 401, "invalid_api_key", null);
        } finally {
            Files.delete(cfg);
        }
        assertTrue(Await.until(() -> !server.status().keyRequired()), "back on loopback");
        web.awaitStatus("/v1/models", 200);
    }

    @Test
    @Order(8)
    void corsIsOffUntilAnOriginIsConfigured() throws Exception {
        HttpRequest preflight = HttpRequest.newBuilder(URI.create(web.base() + "/v1/chat/completions"))
                .header("Origin", "http://app.example").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create(web.base() + "/v1/models"))
                .header("Origin", "http://app.example").build();
        assertEquals(403, web.http.send(preflight, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(web.http.send(get, HttpResponse.BodyHandlers.ofString()).headers()
                .firstValue("access-control-allow-origin").isEmpty(), "no CORS by default");

        web.configureWeb("corsOrigins=http://app.example\n");
        try {
            assertEquals("http://app.example", web.http.send(get, HttpResponse.BodyHandlers.ofString()).headers()
                    .firstValue("access-control-allow-origin").orElse(""), "the configured origin is allowed");
            HttpResponse<String> allowed = web.http.send(preflight, HttpResponse.BodyHandlers.ofString());
            assertEquals(204, allowed.statusCode());
            assertTrue(allowed.headers().firstValue("access-control-allow-headers").orElse("")
                    .contains("Authorization"));
            HttpRequest other = HttpRequest.newBuilder(URI.create(web.base() + "/v1/models"))
                    .header("Origin", "http://evil.example").build();
            assertTrue(web.http.send(other, HttpResponse.BodyHandlers.ofString()).headers()
                    .firstValue("access-control-allow-origin").isEmpty(), "other origins still refused");
        } finally {
            web.configureWeb(null);
        }
    }


    /** Checks the status and OpenAI's error object; returns the object's {@code error}. */
    static JsonObject assertError(HttpResponse<String> response, int status, String code, String param) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("error");
        assertNotNull(error, response.body());
        assertFalse(error.get("message").getAsString().isBlank());
        assertTrue(error.has("type") && error.has("param") && error.has("code"), error.toString());
        assertEquals(code, error.get("code").getAsString(), error.toString());
        if (param == null) {
            assertTrue(error.get("param").isJsonNull(), error.toString());
        } else {
            assertEquals(param, error.get("param").getAsString(), error.toString());
        }
        return error;
    }
}

package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;

/**
 * What issue 15 asked of {@code /v1} beyond the basics, against the assembled platform with generated models: model ids
 * that do not change when a model is loaded or unloaded, {@code GET /v1/models/{id}}, sampling fields that reach the
 * sampler, fields Terroir cannot honour refused with a 400 naming them, {@code /health} and llama-server's
 * {@code timings}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class V1ModelsAndFieldsIT {
    private static final LoadOptions SMALL = LoadOptions.defaults().withContextLength(256).withThreads(2);

    @TempDir
    static Path dir;
    static WebPlatform web;
    static OpenAIClient client;
    /** A library model's name, e.g. {@code local/tiny/tiny.gguf}. */
    static String libraryName;

    @BeforeAll
    static void boot() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        // The shortest idle unload the runtime knows (its check runs every 30 s): the last test waits for it.
        Files.writeString(home.resolve("conf/org.terroir.runtime.cfg"), "idleUnloadMinutes=1\n");
        web = WebPlatform.start(home);
        Path inLibrary = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(inLibrary);
        LibraryModel imported = web.service(ModelLibrary.class).importFile(inLibrary, "local/tiny", ImportMode.COPY);
        libraryName = imported.name();
        Path byPath = dir.resolve("tiny-path.gguf");
        TinyLlama.unitTest().build().write(byPath);
        web.models().load(byPath.toString(), SMALL);
        client = web.openAi();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close(); // its clients too
        }
    }

    private static List<String> ids() {
        return client.models().list().data().stream().map(Model::id).toList();
    }

    private static ChatCompletion chat(String model) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("Say something").maxCompletionTokens(4).temperature(0.0).build());
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return web.send(HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return web.send(HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofMinutes(1)).build());
    }

    private static JsonObject json(String body) {
        return JsonParser.parseString(body).getAsJsonObject();
    }

    @Test
    @Order(1)
    void aLibraryModelKeepsItsNameWhetherLoadedOrNot() {
        List<String> before = ids();
        assertTrue(before.contains(libraryName), "listed before it is loaded: " + before);
        assertTrue(before.contains("tiny-path"), "a model loaded from a path, by its id: " + before);

        ChatCompletion first = chat(libraryName);
        assertEquals(libraryName, first.model());
        List<String> loaded = ids();
        assertEquals(before, loaded, "loading on demand changes no id");
        assertFalse(loaded.stream().anyMatch(id -> id.matches("tiny(-\\d+)?")), "no runtime id leaks: " + loaded);

        // What the idle unload does (its unit is minutes): the model leaves memory.
        LoadedModelInfo info = web.models().loaded().stream()
                .filter(m -> m.descriptor().path().equals(web.service(ModelLibrary.class).find(libraryName)
                        .orElseThrow().path()))
                .findFirst().orElseThrow();
        assertTrue(web.models().unload(info.id()));
        assertEquals(before, ids(), "still listed after the unload, under the same name");
        assertEquals(libraryName, chat(libraryName).model(), "and the name the client saved still works");
    }

    @Test
    @Order(2)
    void getModelAnswersInOpenAisShapeOr404() throws Exception {
        Model byPath = client.models().retrieve("tiny-path");
        assertEquals("tiny-path", byPath.id());
        assertEquals("terroir", byPath.ownedBy());

        HttpResponse<String> library = get("/v1/models/" + libraryName);
        assertEquals(200, library.statusCode(), library.body());
        JsonObject m = json(library.body());
        assertEquals(libraryName, m.get("id").getAsString());
        assertEquals("model", m.get("object").getAsString());
        assertTrue(m.get("created").getAsLong() > 0);

        HttpResponse<String> missing = get("/v1/models/no-such-model");
        assertEquals(404, missing.statusCode());
        JsonObject error = json(missing.body()).getAsJsonObject("error");
        assertEquals("model_not_found", error.get("code").getAsString());
        assertEquals("invalid_request_error", error.get("type").getAsString());
        assertEquals("model", error.get("param").getAsString());
        assertTrue(error.has("message"));
        try {
            client.models().retrieve("no-such-model");
            throw new AssertionError("no 404");
        } catch (NotFoundException expected) {
            // the SDK's own exception for a 404
        }

        web.models().unload("tiny-path");
        assertEquals(404, get("/v1/models/tiny-path").statusCode(), "a path's id lives while it is loaded");
        assertFalse(ids().contains("tiny-path"));
    }

    private static String text(String model, String sampling) throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":12," + sampling + "}");
        assertEquals(200, r.statusCode(), sampling + ": " + r.body());
        return json(r.body()).getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message")
                .get("content").getAsString();
    }

    @Test
    @Order(3)
    void samplingFieldsReachTheSampler() throws Exception {
        String greedy = text(libraryName, "\"temperature\":0,\"repeat_penalty\":1.0");
        List<String> hot = new ArrayList<>();
        for (int seed = 1; seed <= 4; seed++) {
            hot.add(text(libraryName, "\"temperature\":2,\"top_k\":0,\"top_p\":1,\"min_p\":0,\"repeat_penalty\":1.0,"
                    + "\"seed\":" + seed));
        }
        assertTrue(hot.stream().anyMatch(t -> !t.equals(greedy)), "a hot sampler leaves the greedy path: " + hot);
        for (int seed = 1; seed <= 4; seed++) {
            assertEquals(greedy, text(libraryName, "\"temperature\":2,\"top_k\":1,\"repeat_penalty\":1.0,\"seed\":"
                    + seed), "top_k 1 keeps the likeliest token only");
            assertEquals(greedy, text(libraryName, "\"temperature\":2,\"top_k\":0,\"min_p\":1,\"repeat_penalty\":1.0,"
                    + "\"seed\":" + seed), "min_p 1 keeps the likeliest token only");
        }
        assertEquals(hot.get(0), text(libraryName, "\"temperature\":2,\"top_k\":0,\"top_p\":1,\"min_p\":0,"
                + "\"repeat_penalty\":1.0,\"seed\":1"), "the seed makes it reproducible");
    }

    @Test
    @Order(4)
    void fieldsTerroirCannotHonourAreRefusedWithA400NamingThem() throws Exception {
        String base = "\"model\":\"" + libraryName + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        // Tools, response formats and log probabilities are supported (issue 15): what is refused is their misuse.
        // Penalties and logit bias are supported too: out of range, or a token id that is not one, is refused.
        String[][] cases = { { "\"logit_bias\":{\"one\":5}", "logit_bias" }, { "\"logit_bias\":{\"1\":101}", "logit_bias" },
                { "\"top_logprobs\":2", "top_logprobs" },
                { "\"tools\":[{\"type\":\"web_search\"}]", "tools[0].type" },
                { "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", "tool_choice" },
                { "\"response_format\":{\"type\":\"grammar\"}", "response_format" },
                { "\"presence_penalty\":2.6", "presence_penalty" }, { "\"frequency_penalty\":-2.1", "frequency_penalty" },
                { "\"top_k\":-3", "top_k" }, { "\"min_p\":2", "min_p" }, { "\"repeat_penalty\":0", "repeat_penalty" },
                { "\"repeat_penalty\":100", "repeat_penalty" } };
        for (String[] c : cases) {
            HttpResponse<String> r = post("/v1/chat/completions", "{" + base + "," + c[0] + "}");
            assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
            JsonObject error = json(r.body()).getAsJsonObject("error");
            assertEquals(c[1], error.get("param").getAsString(), c[0]);
            assertEquals("invalid_request_error", error.get("type").getAsString());
            assertTrue(error.get("message").getAsString().contains(c[1]), error.toString());
            assertTrue(error.has("code") && !error.get("code").isJsonNull(), error.toString());
        }
        HttpResponse<String> neutral = post("/v1/chat/completions", "{" + base + ",\"max_tokens\":2,\"logprobs\":false,"
                + "\"logit_bias\":{},\"tools\":[],\"tool_choice\":\"none\",\"presence_penalty\":0,"
                + "\"frequency_penalty\":0,\"response_format\":{\"type\":\"text\"},\"parallel_tool_calls\":false}");
        assertEquals(200, neutral.statusCode(), "neutral values change nothing and pass: " + neutral.body());
        HttpResponse<String> echo = post("/v1/completions", "{\"model\":\"" + libraryName + "\",\"prompt\":\"x\","
                + "\"echo\":true}");
        assertEquals(400, echo.statusCode());
        assertEquals("echo", json(echo.body()).getAsJsonObject("error").get("param").getAsString());
    }

    @Test
    @Order(5)
    void healthAndTimingsAsLlamaServerGivesThem() throws Exception {
        for (String path : List.of("/health", "/v1/health")) {
            HttpResponse<String> health = get(path);
            assertEquals(200, health.statusCode(), path);
            assertEquals("ok", json(health.body()).get("status").getAsString());
        }
        HttpResponse<String> whole = post("/v1/chat/completions", "{\"model\":\"" + libraryName + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":8,\"temperature\":0}");
        JsonObject body = json(whole.body());
        JsonObject timings = body.getAsJsonObject("timings");
        JsonObject usage = body.getAsJsonObject("usage");
        assertEquals(usage.get("prompt_tokens").getAsInt(), timings.get("prompt_n").getAsInt());
        assertEquals(usage.get("completion_tokens").getAsInt(), timings.get("predicted_n").getAsInt());
        assertTrue(timings.get("prompt_ms").getAsDouble() > 0, timings.toString());
        assertTrue(timings.get("predicted_ms").getAsDouble() > 0, timings.toString());
        assertTrue(timings.get("predicted_per_second").getAsDouble() > 0, timings.toString());
        assertTrue(timings.get("prompt_per_second").getAsDouble() > 0, timings.toString());
        double perToken = timings.get("predicted_per_token_ms").getAsDouble();
        assertEquals(1000.0 / timings.get("predicted_per_second").getAsDouble(), perToken, perToken * 0.01 + 0.01);

        HttpResponse<java.util.stream.Stream<String>> streamed = web.http.send(HttpRequest.newBuilder(URI.create(
                web.base() + "/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + libraryName + "\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":8,\"temperature\":0,\"stream\":"
                        + "true,\"stream_options\":{\"include_usage\":true}}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        JsonObject finished = null;
        int completion = -1;
        for (String line : streamed.body().toList()) {
            if (!line.startsWith("data: {")) {
                continue;
            }
            JsonObject chunk = json(line.substring(6));
            var choices = chunk.getAsJsonArray("choices");
            if (!choices.isEmpty() && !choices.get(0).getAsJsonObject().get("finish_reason").isJsonNull()) {
                finished = chunk;
            }
            JsonElement u = chunk.get("usage");
            if (u != null && !u.isJsonNull()) {
                completion = u.getAsJsonObject().get("completion_tokens").getAsInt();
            }
        }
        assertTrue(finished != null && finished.get("timings").isJsonObject(), "timings on the last chunk");
        assertEquals(completion, finished.getAsJsonObject("timings").get("predicted_n").getAsInt());
        assertNotEquals(-1, completion);
    }

    @Test
    @Order(6)
    void theNameSurvivesTheIdleUnload() throws Exception {
        assertEquals(libraryName, chat(libraryName).model());
        Path file = web.service(ModelLibrary.class).find(libraryName).orElseThrow().path();
        List<String> before = ids();
        long end = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (web.models().loaded().stream().anyMatch(m -> m.descriptor().path().equals(file))) {
            assertTrue(System.nanoTime() < end, "the runtime unloads an idle model after its minute");
            Thread.sleep(1000);
        }
        // A connection idle for a minute has been closed by the server; a client without retries (this one) would
        // fail on it once. A new client, as a program that comes back later has.
        client.close();
        client = web.openAi();
        assertEquals(before, ids(), "the same ids after the idle unload");
        assertEquals(200, get("/v1/models/" + libraryName).statusCode());
        assertEquals(libraryName, chat(libraryName).model(), "the saved name loads it again");
    }
}

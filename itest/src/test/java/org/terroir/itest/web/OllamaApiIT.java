package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.ollama4j.OllamaAPI;
import io.github.ollama4j.models.chat.OllamaChatMessageRole;
import io.github.ollama4j.models.chat.OllamaChatRequest;
import io.github.ollama4j.models.chat.OllamaChatRequestBuilder;
import io.github.ollama4j.models.chat.OllamaChatResult;
import io.github.ollama4j.models.embeddings.OllamaEmbeddingsRequestModel;
import io.github.ollama4j.models.response.Model;

/**
 * Ollama's API at {@code /ollama}: an unchanged Ollama client from Maven Central (ollama4j) lists, chats streamed and
 * embeds against the assembled platform with generated models; raw HTTP checks the rest of the endpoints, the
 * refusals in Ollama's error shape, and that the guard stands in front.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OllamaApiIT {
    @TempDir
    static Path dir;
    static WebPlatform web;
    static OllamaAPI ollama;
    static String chatModel;

    private static List<String> capabilities(JsonObject show) {
        List<String> out = new ArrayList<>();
        show.getAsJsonArray("capabilities").forEach(c -> out.add(c.getAsString()));
        return out;
    }
    static final String EMBED = "tiny-embed";

    @BeforeAll
    static void boot() throws Exception {
        web = WebPlatform.start(dir.resolve("home"));
        Path chat = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(chat);
        LibraryModel imported = web.service(ModelLibrary.class).importFile(chat, "local/tiny", ImportMode.COPY);
        chatModel = imported.name();
        Path embed = dir.resolve(EMBED + ".gguf");
        TinyLlama.unitTest().build().write(embed);
        web.models().load(embed.toString(),
                LoadOptions.defaults().withContextLength(256).withThreads(2).withEmbeddings(true));
        ollama = new OllamaAPI(web.base() + "/ollama");
        ollama.setRequestTimeoutSeconds(120);
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return web.send(HttpRequest.newBuilder(URI.create(web.base() + "/ollama" + path))
                .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return web.send(HttpRequest.newBuilder(URI.create(web.base() + "/ollama" + path))
                .timeout(Duration.ofMinutes(1)).build());
    }

    private static JsonObject json(String body) {
        return JsonParser.parseString(body).getAsJsonObject();
    }

    @Test
    @Order(1)
    void theOllamaClientPingsAndListsTheLibraryAndLoadedModels() throws Exception {
        assertTrue(ollama.ping());
        assertFalse(ollama.getVersion().isBlank());
        List<String> names = ollama.listModels().stream().map(Model::getName).toList();
        assertTrue(names.contains(chatModel), "the library model, not loaded: " + names);
        assertTrue(names.contains(EMBED), "the model loaded from a path: " + names);
        assertEquals("Ollama is running", get("/").body());
    }

    @Test
    @Order(2)
    void theOllamaClientChatsStreamedAndWhole() throws Exception {
        OllamaChatRequest request = OllamaChatRequestBuilder.getInstance(chatModel)
                .withMessage(OllamaChatMessageRole.SYSTEM, "You are terse.")
                .withMessage(OllamaChatMessageRole.USER, "Say something")
                .withOptions(new io.github.ollama4j.utils.OptionsBuilder().setTemperature(0f).setNumPredict(12)
                        .setTopK(1).setSeed(3).build())
                .build();
        List<String> pieces = new ArrayList<>();
        OllamaChatResult streamed = ollama.chat(request, pieces::add);
        assertFalse(pieces.isEmpty(), "streamed pieces arrived");
        String answer = streamed.getResponse();
        assertTrue(streamed.getResponseModel().isDone());
        assertTrue(streamed.getResponseModel().getEvalCount() > 0, "eval_count");
        assertTrue(streamed.getResponseModel().getPromptEvalCount() > 3, "prompt_eval_count");

        HttpResponse<String> whole = post("/api/chat", "{\"model\":\"" + chatModel + "\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":"
                + "\"Say something\"}],\"options\":{\"temperature\":0,\"num_predict\":12,\"top_k\":1,\"seed\":3}}");
        assertEquals(200, whole.statusCode(), whole.body());
        JsonObject w = json(whole.body());
        assertTrue(w.get("done").getAsBoolean());
        assertEquals("assistant", w.getAsJsonObject("message").get("role").getAsString());
        String text = w.getAsJsonObject("message").get("content").getAsString();
        // ollama4j hands its handler the text so far (or, in other versions, each piece): either way the same text.
        String lastPiece = pieces.get(pieces.size() - 1);
        assertTrue(text.equals(answer) || text.equals(lastPiece) || text.equals(String.join("", pieces)),
                "the same greedy answer streamed and whole: " + answer + " / " + pieces + " / " + text);
        for (String field : List.of("total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration",
                "eval_count", "eval_duration")) {
            assertTrue(w.get(field).getAsLong() >= 0, field);
        }
        assertTrue(List.of("stop", "length").contains(w.get("done_reason").getAsString()));
        assertTrue(w.get("eval_count").getAsInt() <= 12, w.toString());

        // The NDJSON stream itself: one object a line, the last one done with the statistics.
        HttpResponse<String> ndjson = post("/api/chat", "{\"model\":\"" + chatModel + "\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"Say something\"}],\"options\":{\"num_predict\":5}}");
        assertTrue(ndjson.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        List<String> lines = ndjson.body().lines().filter(l -> !l.isBlank()).toList();
        JsonObject last = json(lines.get(lines.size() - 1));
        assertTrue(last.get("done").getAsBoolean());
        assertTrue(last.get("eval_count").getAsInt() <= 5);
        for (String line : lines.subList(0, lines.size() - 1)) {
            assertFalse(json(line).get("done").getAsBoolean());
        }
    }

    @Test
    @Order(3)
    void theOllamaClientEmbeds() throws Exception {
        // ollama4j 1.0.100's embed() posts /api/embed without a Content-Type, as Ollama's clients may: accepted on
        // the Ollama API from a program (no Origin, no Sec-Fetch-Site); generateEmbeddings() is /api/embeddings.
        List<Double> one = ollama.generateEmbeddings(new OllamaEmbeddingsRequestModel(EMBED, "first text"));
        assertFalse(one.isEmpty());
        var both = ollama.embed(EMBED, List.of("first text", "second text"));
        assertEquals(2, both.getEmbeddings().size());
        assertEquals(one.get(0), both.getEmbeddings().get(0).get(0), 1e-5);
        HttpResponse<String> batch = post("/api/embed", "{\"model\":\"" + EMBED + "\",\"input\":[\"first text\","
                + "\"second text\"]}");
        assertEquals(200, batch.statusCode(), batch.body());
        JsonObject b = json(batch.body());
        JsonArray vectors = b.getAsJsonArray("embeddings");
        assertEquals(2, vectors.size());
        assertEquals(one.size(), vectors.get(0).getAsJsonArray().size());
        assertEquals(one.get(0), vectors.get(0).getAsJsonArray().get(0).getAsDouble(), 1e-5);
        assertEquals(EMBED, b.get("model").getAsString());
        assertTrue(b.get("prompt_eval_count").getAsInt() > 0);
    }

    @Test
    @Order(4)
    void generateShowPsAndVersion() throws Exception {
        HttpResponse<String> generated = post("/api/generate", "{\"model\":\"" + chatModel + "\",\"prompt\":\"Once\","
                + "\"system\":\"Be brief\",\"stream\":false,\"options\":{\"num_predict\":4,\"temperature\":0}}");
        assertEquals(200, generated.statusCode(), generated.body());
        JsonObject g = json(generated.body());
        assertTrue(g.get("done").getAsBoolean());
        assertTrue(g.has("response"));
        assertTrue(g.get("eval_count").getAsInt() <= 4);

        HttpResponse<String> raw = post("/api/generate", "{\"model\":\"" + chatModel + "\",\"prompt\":\"Once\","
                + "\"raw\":true,\"stream\":false,\"options\":{\"num_predict\":3}}");
        assertEquals(200, raw.statusCode(), raw.body());
        assertTrue(json(raw.body()).get("prompt_eval_count").getAsInt() < g.get("prompt_eval_count").getAsInt(),
                "raw: no chat template around the prompt");

        HttpResponse<String> streamed = post("/api/generate", "{\"model\":\"" + chatModel + "\",\"prompt\":\"Once\","
                + "\"options\":{\"num_predict\":3}}");
        List<String> lines = streamed.body().lines().filter(l -> !l.isBlank()).toList();
        assertTrue(json(lines.get(lines.size() - 1)).get("done").getAsBoolean(), streamed.body());

        JsonArray ps = json(get("/api/ps").body()).getAsJsonArray("models");
        List<String> running = new ArrayList<>();
        ps.forEach(m -> running.add(m.getAsJsonObject().get("name").getAsString()));
        assertTrue(running.contains(chatModel) && running.contains(EMBED), running.toString());
        assertTrue(ps.get(0).getAsJsonObject().has("expires_at"));

        HttpResponse<String> show = post("/api/show", "{\"model\":\"" + chatModel + "\"}");
        assertEquals(200, show.statusCode(), show.body());
        JsonObject s = json(show.body());
        assertEquals("gguf", s.getAsJsonObject("details").get("format").getAsString());
        assertEquals("llama", s.getAsJsonObject("model_info").get("general.architecture").getAsString());
        assertTrue(s.get("template").getAsString().contains("im_start"), "the model's own template: " + s);
        assertEquals(List.of("completion"), capabilities(s), "a ChatML template takes no tools");
        Path tools = dir.resolve("tools.gguf");
        TinyLlama.unitTest().chatTemplate(org.terroir.testkit.gguf.ChatTemplates.HERMES).build().write(tools);
        String toolsModel = web.service(ModelLibrary.class).importFile(tools, "local/tools", ImportMode.COPY).name();
        HttpResponse<String> showTools = post("/api/show", "{\"model\":\"" + toolsModel + "\"}");
        assertEquals(List.of("completion", "tools"), capabilities(json(showTools.body())), showTools.body());
        assertEquals(200, post("/api/show", "{\"name\":\"" + EMBED + "\"}").statusCode(), "the older name field");

        assertFalse(json(get("/api/version").body()).get("version").getAsString().isBlank());

        // An empty prompt loads; with keep_alive 0 it unloads (Ollama's way).
        HttpResponse<String> unload = post("/api/generate", "{\"model\":\"" + chatModel + "\",\"keep_alive\":0}");
        assertEquals("unload", json(unload.body()).get("done_reason").getAsString(), unload.body());
        assertFalse(json(get("/api/ps").body()).toString().contains(chatModel));
        HttpResponse<String> load = post("/api/generate", "{\"model\":\"" + chatModel + "\"}");
        assertEquals("load", json(load.body()).get("done_reason").getAsString(), load.body());
        assertTrue(json(get("/api/ps").body()).toString().contains(chatModel));
    }

    @Test
    @Order(5)
    void whatCannotBeHonouredIsRefusedInOllamasErrorShape() throws Exception {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        // format, tools and the penalties are supported (issue 15): what is refused is their misuse.
        String[][] cases = { { "/api/chat", "\"format\":\"xml\"," + messages, "format" },
                { "/api/chat", "\"tools\":[{\"type\":\"retrieval\"}]," + messages, "tools" },
                { "/api/chat", "\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"images\":[\"aGk=\"]}]", "images" },
                { "/api/chat", "\"options\":{\"mirostat\":2}," + messages, "mirostat" },
                { "/api/chat", "\"options\":{\"presence_penalty\":3}," + messages, "presence_penalty" },
                { "/api/chat", "\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]", "robot" },
                { "/api/generate", "\"prompt\":\"x\",\"suffix\":\"y\"", "suffix" },
                { "/api/generate", "\"prompt\":\"x\",\"context\":[1,2,3]", "context" },
                { "/api/generate", "\"prompt\":\"x\",\"template\":\"{{ .Prompt }}\"", "template" },
                { "/api/embed", "\"input\":\"x\",\"dimensions\":8", "dimensions" } };
        for (String[] c : cases) {
            HttpResponse<String> r = post(c[0], "{\"model\":\"" + chatModel + "\"," + c[1] + "}");
            assertEquals(400, r.statusCode(), c[1] + ": " + r.body());
            JsonObject error = json(r.body());
            assertTrue(error.get("error").isJsonPrimitive(), "Ollama's {\"error\":\"…\"}: " + r.body());
            assertTrue(error.get("error").getAsString().contains(c[2]), r.body());
        }
        HttpResponse<String> unknown = post("/api/chat", "{\"model\":\"no-such-model\"," + messages + "}");
        assertEquals(404, unknown.statusCode());
        assertTrue(json(unknown.body()).get("error").getAsString().contains("no-such-model"));
        assertEquals(404, post("/api/pull", "{\"model\":\"x\"}").statusCode(), "no pulls through this API");
        HttpResponse<String> ignored = post("/api/chat", "{\"model\":\"" + chatModel + "\",\"stream\":false,"
                + "\"keep_alive\":\"10m\",\"think\":false,\"format\":\"\",\"tools\":[]," + messages
                + ",\"options\":{\"num_ctx\":4096,\"num_thread\":2,\"num_predict\":2,\"mirostat\":0}}");
        assertEquals(200, ignored.statusCode(), "load options and neutral values pass: " + ignored.body());
    }

    @Test
    @Order(6)
    void theGuardStandsInFront() throws Exception {
        String body = "{\"model\":\"" + chatModel + "\",\"prompt\":\"x\",\"stream\":false}";
        RawHttp.Answer plain = RawHttp.send(web.port, "POST", "/ollama/api/generate",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Content-Type", "text/plain"), body);
        assertEquals(415, plain.status());
        // a body with no type at all passes from a program, never with what a browser sends
        RawHttp.Answer untypedFromPage = RawHttp.send(web.port, "POST", "/ollama/api/generate",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Sec-Fetch-Site", "same-origin"), body);
        assertEquals(415, untypedFromPage.status());
        RawHttp.Answer untypedForeign = RawHttp.send(web.port, "POST", "/ollama/api/generate",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Origin", "http://evil.example"), body);
        assertEquals(403, untypedForeign.status());
        RawHttp.Answer untypedV1 = RawHttp.send(web.port, "POST", "/v1/completions",
                RawHttp.headers("Host", "127.0.0.1:" + web.port), "{\"model\":\"" + chatModel + "\",\"prompt\":\"x\"}");
        assertEquals(415, untypedV1.status(), "only Ollama's API takes an untyped body");
        RawHttp.Answer untypedProgram = RawHttp.send(web.port, "POST", "/ollama/api/generate",
                RawHttp.headers("Host", "127.0.0.1:" + web.port), body);
        assertEquals(200, untypedProgram.status(), untypedProgram.body());
        RawHttp.Answer foreignHost = RawHttp.send(web.port, "GET", "/ollama/api/tags",
                RawHttp.headers("Host", "evil.example"), null);
        assertEquals(421, foreignHost.status());
        RawHttp.Answer crossSite = RawHttp.send(web.port, "POST", "/ollama/api/generate",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Origin", "http://evil.example", "Content-Type",
                        "application/json"), body);
        assertEquals(403, crossSite.status());
        RawHttp.Answer tooLarge = RawHttp.send(web.port, "POST", "/ollama/api/chat",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Content-Type", "application/json"),
                new byte[5 * 1024 * 1024], 20_000);
        assertEquals(413, tooLarge.status());
    }

    @Test
    @Order(7)
    void aClientThatLeavesMidStreamCancelsItsGenerationAndTheServerGoesOn() throws Exception {
        for (int i = 0; i < 3; i++) {
            // Three times: with two slots (maxConcurrent), generations left running would hold them.
            HttpResponse<java.io.InputStream> r = web.http.send(HttpRequest.newBuilder(URI.create(web.base()
                    + "/ollama/api/chat")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + chatModel + "\",\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"Tell a long story\"}],\"options\":{\"num_predict\":-1,"
                            + "\"temperature\":1.0,\"seed\":7}}"))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            try (java.io.InputStream in = r.body()) {
                java.io.BufferedReader reader = new java.io.BufferedReader(
                        new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
                assertFalse(json(reader.readLine()).get("done").getAsBoolean());
            }
        }
        long start = System.nanoTime();
        HttpResponse<String> after = post("/api/chat", "{\"model\":\"" + chatModel + "\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"options\":{\"num_predict\":3}}");
        assertEquals(200, after.statusCode(), after.body());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(60).toNanos(), "a slot came free");
    }
}

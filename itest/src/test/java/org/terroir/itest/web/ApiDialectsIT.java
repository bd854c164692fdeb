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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.LoadOptions;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;

/**
 * The Responses API (official OpenAI Java client, unchanged) and Anthropic's Messages API (raw HTTP, as Anthropic's
 * SDKs send it: x-api-key, anthropic-version) of the assembled platform, with a generated model run by llama.cpp.
 * Plain text only: nothing here needs the model to call a tool ({@code ToolCallingIT} does that).
 */
class ApiDialectsIT {
    private static final LoadOptions SMALL = LoadOptions.defaults().withContextLength(256).withThreads(2);

    @TempDir
    static Path dir;
    static WebPlatform web;
    static OpenAIClient client;

    @BeforeAll
    static void boot() throws Exception {
        web = WebPlatform.start(dir.resolve("home"));
        Path chat = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(chat);
        web.models().load(chat.toString(), SMALL);
        client = web.openAi();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close(); // its clients too
        }
    }

    private static HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return web.send(b.build());
    }

    private static HttpResponse<String> call(String method, String path) throws Exception {
        return web.send(HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofMinutes(2))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static String text(Response r) {
        StringBuilder text = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            if (item.isMessage()) {
                item.asMessage().content().forEach(c -> text.append(c.asOutputText().text()));
            }
        }
        return text.toString();
    }

    private static ResponseCreateParams params(int maxTokens) {
        return ResponseCreateParams.builder().model("tiny").instructions("You are terse.").input("Say something")
                .maxOutputTokens(maxTokens).temperature(0.0).build();
    }

    @Test
    void theOpenAiClientUsesTheResponsesApiWholeAndStreamed() throws Exception {
        Response whole = client.responses().create(params(8));
        long out = whole.usage().orElseThrow().outputTokens();
        assertTrue(out >= 1 && out <= 8, "output tokens: " + out);
        assertTrue(whole.usage().orElseThrow().inputTokens() > 3, "the template wraps the input");
        assertTrue(whole.id().startsWith("resp_"), whole.id());

        StringBuilder deltas = new StringBuilder();
        List<String> types = new ArrayList<>();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params(8))) {
            for (ResponseStreamEvent e : stream.stream().toList()) {
                if (e.isOutputTextDelta()) {
                    deltas.append(e.asOutputTextDelta().delta());
                    types.add("delta");
                } else if (e.isCreated()) {
                    types.add("created");
                } else if (e.isOutputItemAdded()) {
                    types.add("item");
                } else if (e.isCompleted()) {
                    types.add("completed");
                    completed = e.asCompleted().response();
                }
            }
        }
        assertEquals("created", types.get(0), types.toString());
        assertEquals("completed", types.get(types.size() - 1), types.toString());
        assertTrue(completed != null && text(completed).equals(deltas.toString()),
                "the completed response holds the text the deltas carried");
        assertEquals(text(whole), deltas.toString(), "greedy: the same answer whole and streamed");
    }

    @Test
    void storedResponsesAreRetrievedContinuedAndDeleted() throws Exception {
        Response first = client.responses().create(params(4));
        HttpResponse<String> got = call("GET", "/v1/responses/" + first.id());
        assertEquals(200, got.statusCode(), got.body());
        assertEquals(first.id(), JsonParser.parseString(got.body()).getAsJsonObject().get("id").getAsString());

        Response next = client.responses().create(ResponseCreateParams.builder().model("tiny").input("And more?")
                .previousResponseId(first.id()).maxOutputTokens(4).temperature(0.0).build());
        assertTrue(next.usage().orElseThrow().inputTokens() > first.usage().orElseThrow().inputTokens(),
                "the earlier turns are part of the prompt");

        HttpResponse<String> deleted = call("DELETE", "/v1/responses/" + first.id());
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertTrue(JsonParser.parseString(deleted.body()).getAsJsonObject().get("deleted").getAsBoolean());
        assertEquals(404, call("GET", "/v1/responses/" + first.id()).statusCode());
        HttpResponse<String> gone = post("/v1/responses", "{\"model\":\"tiny\",\"input\":\"x\",\"max_output_tokens\":2,"
                + "\"previous_response_id\":\"" + first.id() + "\"}");
        assertEquals(404, gone.statusCode(), gone.body());
        assertEquals("previous_response_id", error(gone).get("param").getAsString());

        Response unstored = client.responses().create(ResponseCreateParams.builder().model("tiny").input("x")
                .maxOutputTokens(2).store(false).build());
        assertEquals(404, call("GET", "/v1/responses/" + unstored.id()).statusCode(), "store: false keeps nothing");
    }

    @Test
    void builtInToolsAreRefusedWithTheirField() throws Exception {
        HttpResponse<String> r = post("/v1/responses", "{\"model\":\"tiny\",\"input\":\"x\","
                + "\"tools\":[{\"type\":\"web_search\"}]}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("tools[0].type", error(r).get("param").getAsString());
        assertEquals("unsupported_value", error(r).get("code").getAsString());
    }

    /** A schema whose every answer is short (a boolean and an enum), so a random model ends within its budget. */
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"},"
            + "\"mood\":{\"type\":\"string\",\"enum\":[\"HAPPY\",\"SAD\"]}},\"required\":[\"ok\",\"mood\"],"
            + "\"additionalProperties\":false}";

    @Test
    void structuredOutputOnTheResponsesApiAndOllama() throws Exception {
        HttpResponse<String> r = post("/v1/responses", "{\"model\":\"tiny\",\"input\":\"Judge\",\"max_output_tokens\":120,"
                + "\"temperature\":0,\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"verdict\",\"strict\":true,"
                + "\"schema\":" + SCHEMA + "}}}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject response = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals("completed", response.get("status").getAsString(), r.body());
        String text = response.getAsJsonArray("output").get(0).getAsJsonObject().getAsJsonArray("content").get(0)
                .getAsJsonObject().get("text").getAsString();
        JsonObject verdict = JsonParser.parseString(text).getAsJsonObject();
        assertTrue(verdict.get("ok").getAsJsonPrimitive().isBoolean(), text);
        assertTrue(List.of("HAPPY", "SAD").contains(verdict.get("mood").getAsString()), text);
        assertEquals("json_schema", response.getAsJsonObject("text").getAsJsonObject("format").get("type")
                .getAsString(), "the format is echoed");

        HttpResponse<String> o = post("/ollama/api/chat", "{\"model\":\"tiny\",\"stream\":false,\"format\":" + SCHEMA
                + ",\"options\":{\"temperature\":0,\"num_predict\":120},\"messages\":[{\"role\":\"user\",\"content\":\"Judge\"}]}");
        assertEquals(200, o.statusCode(), o.body());
        String content = JsonParser.parseString(o.body()).getAsJsonObject().getAsJsonObject("message").get("content")
                .getAsString();
        assertTrue(JsonParser.parseString(content).getAsJsonObject().get("ok").getAsJsonPrimitive().isBoolean(),
                content);
    }

    private static JsonObject error(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("error");
    }

    private static final String MESSAGE = "{\"model\":\"tiny\",\"max_tokens\":8,\"temperature\":0,"
            + "\"system\":\"You are terse.\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]";

    @Test
    void anthropicMessagesWholeAndStreamed() throws Exception {
        HttpResponse<String> r = post("/v1/messages", MESSAGE + "}", "x-api-key", "sk-ant-anything",
                "anthropic-version", "2023-06-01");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject m = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals("message", m.get("type").getAsString());
        assertEquals("assistant", m.get("role").getAsString());
        assertTrue(m.get("id").getAsString().startsWith("msg_"));
        JsonObject block = m.getAsJsonArray("content").get(0).getAsJsonObject();
        assertEquals("text", block.get("type").getAsString());
        String text = block.get("text").getAsString();
        int out = m.getAsJsonObject("usage").get("output_tokens").getAsInt();
        assertTrue(out >= 1 && out <= 8, r.body());
        String stop = m.get("stop_reason").getAsString();
        assertTrue(stop.equals("max_tokens") && out == 8 || stop.equals("end_turn") && out < 8, r.body());

        HttpResponse<String> s = post("/v1/messages", MESSAGE + ",\"stream\":true}", "anthropic-version",
                "2023-06-01");
        assertEquals(200, s.statusCode(), s.body());
        assertTrue(s.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        StringBuilder streamed = new StringBuilder();
        String streamedStop = null;
        for (String chunk : s.body().split("\n\n")) {
            if (chunk.isBlank()) {
                continue;
            }
            String[] lines = chunk.split("\n");
            String name = lines[0].substring("event: ".length());
            JsonObject data = JsonParser.parseString(lines[1].substring("data: ".length())).getAsJsonObject();
            assertEquals(name, data.get("type").getAsString(), "the event's name is its data's type");
            events.add(name);
            if (name.equals("content_block_delta")) {
                assertEquals("text_delta", data.getAsJsonObject("delta").get("type").getAsString());
                streamed.append(data.getAsJsonObject("delta").get("text").getAsString());
            }
            if (name.equals("message_delta")) {
                streamedStop = data.getAsJsonObject("delta").get("stop_reason").getAsString();
            }
        }
        assertEquals("message_start", events.get(0), events.toString());
        assertEquals("content_block_start", events.get(1), events.toString());
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"),
                events.subList(events.size() - 3, events.size()), events.toString());
        assertEquals(text, streamed.toString(), "greedy: the same text whole and streamed");
        assertEquals(stop, streamedStop);

        HttpResponse<String> count = post("/v1/messages/count_tokens", "{\"model\":\"tiny\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Say something\"}]}");
        assertEquals(200, count.statusCode(), count.body());
        assertTrue(JsonParser.parseString(count.body()).getAsJsonObject().get("input_tokens").getAsInt() > 0);
    }

    @Test
    void anthropicErrorsHaveAnthropicsShape() throws Exception {
        HttpResponse<String> noMax = post("/v1/messages", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}");
        assertEquals(400, noMax.statusCode());
        JsonObject body = JsonParser.parseString(noMax.body()).getAsJsonObject();
        assertEquals("error", body.get("type").getAsString());
        assertEquals("invalid_request_error", body.getAsJsonObject("error").get("type").getAsString());
        assertTrue(body.getAsJsonObject("error").get("message").getAsString().contains("max_tokens"));

        HttpResponse<String> unknown = post("/v1/messages", "{\"model\":\"no-such-model\",\"max_tokens\":4,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("not_found_error", JsonParser.parseString(unknown.body()).getAsJsonObject()
                .getAsJsonObject("error").get("type").getAsString());

        HttpResponse<String> image = post("/v1/messages", "{\"model\":\"tiny\",\"max_tokens\":4,\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}");
        assertEquals(400, image.statusCode(), image.body());
        HttpResponse<String> bad = post("/v1/messages", "{not json");
        assertEquals(400, bad.statusCode());
        assertEquals("error", JsonParser.parseString(bad.body()).getAsJsonObject().get("type").getAsString());
        assertFalse(bad.body().contains("Exception"), bad.body());
    }

}

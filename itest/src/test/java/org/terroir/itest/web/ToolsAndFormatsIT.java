package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.StructuredChatCompletion;

/**
 * Tools and structured output through the official OpenAI Java client against the assembled platform. A random tiny
 * model calls no tool and writes no JSON by itself: every test forces the behaviour — a named {@code tool_choice}
 * (the backend enforces the call's syntax with a grammar) or a {@code json_schema} response format (a grammar made
 * from the schema; a call's arguments may take a few hundred tokens of a random model's spelling, hence the budgets),
 * with a schema whose every answer is short (a boolean and an enum), so the answer always ends
 * within its token budget. No test here skips: a backend that stops calling tools fails them.
 */
class ToolsAndFormatsIT {
    private static final LoadOptions SMALL = LoadOptions.defaults().withContextLength(1536).withThreads(2);

    static final String HERMES = org.terroir.testkit.gguf.ChatTemplates.HERMES;

    @TempDir
    static Path dir;
    static WebPlatform web;
    static OpenAIClient client;

    /** The answer's shape, as the SDK's structured-output helper derives its JSON Schema from a class. */
    public static class Verdict {
        public boolean ok;
        public Mood mood;

        public enum Mood { HAPPY, SAD }
    }

    /** The weather of a city (a tool, described to the model by the SDK from this class). */
    public static class GetWeather {
        /** An enum, so that a random model's arguments end within the budget (a free string may run on). */
        public City city;

        public enum City { PARIS, LYON }
    }

    /** The time (a second tool). */
    public static class GetTime {
        public boolean utc;
    }

    @BeforeAll
    static void boot() throws Exception {
        web = WebPlatform.start(dir.resolve("home"));
        Path chat = dir.resolve("tiny.gguf");
        // A Hermes/Qwen-style template that shows the tools: the backend then enforces a forced call's syntax.
        TinyLlama.unitTest().contextLength(2048).chatTemplate(HERMES).build().write(chat);
        web.models().load(chat.toString(), SMALL);
        client = web.openAi();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close(); // its clients too
        }
    }

    @Test
    void jsonSchemaThroughTheSdksStructuredOutputHelper() {
        StructuredChatCompletion<Verdict> answer = client.chat().completions().create(ChatCompletionCreateParams
                .builder().model("tiny").addUserMessage("Judge this day.").maxCompletionTokens(120).temperature(0.0)
                .responseFormat(Verdict.class).build());
        // The SDK parses the content into the class: it fails here unless the text is JSON of that schema.
        Verdict v = answer.choices().get(0).message().content().orElseThrow();
        assertNotNull(v.mood, "the schema requires mood, and the grammar enforced it");
        assertEquals("stop", answer.choices().get(0).finishReason().asString());
    }

    private static ChatCompletionCreateParams.Builder withTools() {
        return ChatCompletionCreateParams.builder().model("tiny").addUserMessage("Weather in Paris?")
                .addTool(GetWeather.class).addTool(GetTime.class).maxCompletionTokens(300).temperature(0.0)
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("GetWeather").build()).build());
    }

    @Test
    void anAgentLoopWithTwoToolsAndAToolResult() throws Exception {
        ChatCompletion first = client.chat().completions().create(withTools().build());
        assertEquals("tool_calls", first.choices().get(0).finishReason().asString());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0)
                .asFunction();
        assertEquals("GetWeather", call.function().name());
        GetWeather args = call.function().arguments(GetWeather.class); // valid JSON of the tool's schema
        assertNotNull(args);

        // The tool's result goes back; the next turn calls the other tool (named: a random tiny model picks nothing
        // by itself), whose result goes back too; then the model answers in words.
        ChatCompletion second = client.chat().completions().create(withTools()
                .addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18 C, sunny")
                        .build())
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("GetTime").build()).build())
                .build());
        assertEquals("tool_calls", second.choices().get(0).finishReason().asString());
        ChatCompletionMessageFunctionToolCall timeCall = second.choices().get(0).message().toolCalls().orElseThrow()
                .get(0).asFunction();
        assertEquals("GetTime", timeCall.function().name());
        assertNotNull(timeCall.function().arguments(GetTime.class));
        assertFalse(timeCall.id().equals(call.id()), "each call its own id");

        ChatCompletion third = client.chat().completions().create(withTools()
                .addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18 C, sunny")
                        .build())
                .addMessage(second.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(timeCall.id()).content("14:05")
                        .build())
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.AUTO)
                .maxCompletionTokens(8).build());
        String finish = third.choices().get(0).finishReason().asString();
        // auto: the tools are still offered; the tiny model may answer in words or call again, never anything else
        assertTrue(finish.equals("stop") || finish.equals("length") || finish.equals("tool_calls"), finish);
        assertEquals(finish.equals("tool_calls"), third.choices().get(0).message().toolCalls().map(l -> !l.isEmpty())
                .orElse(false), "tool calls exactly when the finish says so");
    }

    @Test
    void streamedToolCalls() throws Exception {
        List<String> names = new ArrayList<>();
        StringBuilder arguments = new StringBuilder();
        String finish = null;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(withTools().build())) {
            for (ChatCompletionChunk chunk : stream.stream().toList()) {
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    c.delta().toolCalls().ifPresent(calls -> calls.forEach(t -> {
                        t.function().flatMap(f -> f.name()).ifPresent(names::add);
                        t.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
                    }));
                    if (c.finishReason().isPresent()) {
                        finish = c.finishReason().get().asString();
                    }
                }
            }
        }
        assertEquals(List.of("GetWeather"), names);
        assertTrue(JsonParser.parseString(arguments.toString()).isJsonObject(), arguments.toString());
        assertEquals("tool_calls", finish);
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return web.send(HttpRequest.newBuilder(URI.create(web.base() + path)).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
            + "\"enum\":[\"Paris\",\"Lyon\"]}},\"required\":[\"city\"],\"additionalProperties\":false}";

    @Test
    void theResponsesApiRoundTripsAFunctionCallThroughPreviousResponseId() throws Exception {
        HttpResponse<String> first = post("/v1/responses", "{\"model\":\"tiny\",\"input\":\"Weather in Paris?\","
                + "\"max_output_tokens\":300,\"temperature\":0,\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
                + "\"parameters\":" + WEATHER_SCHEMA + "}],\"tool_choice\":{\"type\":\"function\",\"name\":\"get_weather\"}}");
        assertEquals(200, first.statusCode(), first.body());
        JsonObject r = JsonParser.parseString(first.body()).getAsJsonObject();
        JsonObject call = null;
        for (var item : r.getAsJsonArray("output")) {
            if (item.getAsJsonObject().get("type").getAsString().equals("function_call")) {
                call = item.getAsJsonObject();
            }
        }
        assertNotNull(call, first.body());
        assertEquals("get_weather", call.get("name").getAsString());
        String city = JsonParser.parseString(call.get("arguments").getAsString()).getAsJsonObject().get("city")
                .getAsString();
        assertTrue(city.equals("Paris") || city.equals("Lyon"), city);

        HttpResponse<String> second = post("/v1/responses", "{\"model\":\"tiny\",\"previous_response_id\":\""
                + r.get("id").getAsString() + "\",\"max_output_tokens\":8,\"tools\":[{\"type\":\"function\","
                + "\"name\":\"get_weather\",\"parameters\":" + WEATHER_SCHEMA + "}],"
                + "\"input\":[{\"type\":\"function_call_output\","
                + "\"call_id\":\"" + call.get("call_id").getAsString() + "\",\"output\":\"18 C\"}]}");
        assertEquals(200, second.statusCode(), second.body());
        JsonObject s2 = JsonParser.parseString(second.body()).getAsJsonObject();
        assertTrue(s2.getAsJsonObject("usage").get("input_tokens").getAsInt() > r.getAsJsonObject("usage")
                .get("input_tokens").getAsInt(), "the call and its output are part of the prompt");
    }

    @Test
    void anthropicToolUseRoundTrip() throws Exception {
        String tools = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":" + WEATHER_SCHEMA + "}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"}";
        HttpResponse<String> first = post("/v1/messages", "{\"model\":\"tiny\",\"max_tokens\":300,\"temperature\":0,"
                + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}");
        assertEquals(200, first.statusCode(), first.body());
        JsonObject m = JsonParser.parseString(first.body()).getAsJsonObject();
        assertEquals("tool_use", m.get("stop_reason").getAsString(), first.body());
        JsonObject use = null;
        for (var block : m.getAsJsonArray("content")) {
            if (block.getAsJsonObject().get("type").getAsString().equals("tool_use")) {
                use = block.getAsJsonObject();
            }
        }
        assertNotNull(use, first.body());
        assertTrue(use.getAsJsonObject("input").has("city"), first.body());
        HttpResponse<String> second = post("/v1/messages", "{\"model\":\"tiny\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},{\"role\":\"assistant\","
                + "\"content\":[" + use + "]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"" + use.get("id").getAsString() + "\",\"content\":\"18 C\"}]}]}");
        assertEquals(200, second.statusCode(), second.body());
        assertTrue(List.of("end_turn", "max_tokens").contains(JsonParser.parseString(second.body()).getAsJsonObject()
                .get("stop_reason").getAsString()), second.body());
    }

    @Test
    void unknownNamedToolIsA400() {
        BadRequestException e = org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(withTools().toolChoice(ChatCompletionNamedToolChoice
                        .builder().function(ChatCompletionNamedToolChoice.Function.builder().name("Nope").build())
                        .build()).build()));
        assertEquals(400, e.statusCode());
    }
}

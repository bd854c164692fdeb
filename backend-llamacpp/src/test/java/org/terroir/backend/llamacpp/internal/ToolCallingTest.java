package org.terroir.backend.llamacpp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.TokenListener;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * Tool calling through the real worker: the tools reach the model's own template, a forced call (tool_choice
 * required or named, enforced by the family's call grammar) comes back as ToolCalls with finish TOOL_CALLS and
 * none of its markup streamed.
 */
class ToolCallingTest {
    static final String HERMES = org.terroir.testkit.gguf.ChatTemplates.HERMES;
    /** Llama 3.1's shape: ipython turns and {"name", "parameters"} calls. */
    static final String LLAMA3 = """
            {%- if tools %}<|start_header_id|>system<|end_header_id|>Environment: ipython
            {% for t in tools %}{{ t | tojson }}{% endfor %} Reply with {"name": function name, "parameters": \
            dictionary of argument name and its value}<|eot_id|>{% endif %}{%- for m in messages %}\
            <|start_header_id|>{{ m.role }}<|end_header_id|>{{ m.content }}<|eot_id|>{% endfor %}\
            <|start_header_id|>assistant<|end_header_id|>""";
    static final String GRANITE = "{% for m in messages %}<|start_of_role|>{{ m.role }}<|end_of_role|>"
            + "{{ m.content }}<|tool_call|>{% endfor %}";
    /** Mistral v3's shape: the calls as a JSON array after [TOOL_CALLS]. */
    static final String MISTRAL = "{% for m in messages %}[INST]{{ m.content }}[/INST]{% endfor %}"
            + "{% if tools %}[AVAILABLE_TOOLS]{{ tools | tojson }}[/AVAILABLE_TOOLS]{% endif %}"
            + "{% if false %}[TOOL_CALLS]{% endif %}";
    /** Newer Mistral templates (Small 3.2, Devstral): [TOOL_CALLS]NAME[ARGS]{...}. */
    static final String MISTRAL_ARGS = "{% for m in messages %}[INST]{{ m.content }}[/INST]{% endfor %}"
            + "{% if tools %}[AVAILABLE_TOOLS]{{ tools | tojson }}[/AVAILABLE_TOOLS]{% endif %}"
            + "{% if false %}[TOOL_CALLS]x[ARGS]{}{% endif %}";
    /** gpt-oss harmony: the answer goes through channels; calls on commentary to=functions.NAME. */
    static final String HARMONY = "{% for m in messages %}<|start|>{{ m.role }}<|message|>{{ m.content }}<|end|>"
            + "{% endfor %}{% if tools %}<|start|>developer<|message|>{{ tools | tojson }}<|end|>{% endif %}"
            + "<|start|>assistant{% if false %}<|channel|>commentary to=functions.x{% endif %}";

    static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "The weather of a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":8},"
                    + "\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":3}},\"required\":[\"city\",\"days\"],"
                    + "\"additionalProperties\":false}");
    static final ToolDefinition TIME = new ToolDefinition("get_time", "The time \"now\"",
            "{\"type\":\"object\",\"properties\":{\"zone\":{\"enum\":[\"CET\",\"UTC\"]}},\"required\":[\"zone\"],"
                    + "\"additionalProperties\":false}");

    @TempDir
    static Path home;
    static LlamaCppBackend backend;
    static LoadedModel hermes;
    static LoadedModel llama3;
    static LoadedModel granite;

    @BeforeAll
    static void load() {
        backend = new LlamaCppBackend(Engine.CURRENT, TestConfig.defaults(), home,
                new BundleWorkerClasspath(TestBundle.create(1L), home.resolve("cache/llamacpp")));
        hermes = model("hermes", HERMES);
        llama3 = model("llama3", LLAMA3);
        granite = model("granite", GRANITE);
    }

    private static LoadedModel model(String name, String template) {
        Path file = home.resolve(name + ".gguf");
        TinyLlama.unitTest().tiedOutput(false).weightType(TensorType.Q8_0).contextLength(1024).chatTemplate(template)
                .build().write(file);
        return backend.load(backend.describe(file).orElseThrow(), LoadOptions.defaults().withContextLength(1024));
    }

    @AfterAll
    static void stop() {
        backend.deactivate();
    }

    private static GenerationRequest ask(List<ChatMessage> chat, ToolChoice choice, long seed) {
        return GenerationRequest.chat(chat, Sampling.defaults().withMaxTokens(300).withTemperature(0.8f)
                .withSeed(Long.valueOf(seed))).withTools(List.of(WEATHER, TIME), choice);
    }

    private record Streamed(GenerationStats stats, List<String> pieces, List<ToolCall> calls) {
    }

    private static Streamed run(LoadedModel model, GenerationRequest request) {
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        List<ToolCall> calls = Collections.synchronizedList(new ArrayList<>());
        GenerationStats stats = model.generate(request, new TokenListener() {
            @Override
            public void onToken(String piece) {
                pieces.add(piece);
            }

            @Override
            public void onToolCall(ToolCall call) {
                calls.add(call);
            }
        }).await();
        return new Streamed(stats, pieces, calls);
    }

    private static void assertValidCall(ToolCall call) {
        assertTrue(call.id().matches("call_[A-Za-z0-9]{24}"), call.id());
        JsonObject args = JsonParser.parseString(call.argumentsJson()).getAsJsonObject();
        if (call.name().equals("get_weather")) {
            assertTrue(args.get("city").getAsString().length() <= 8, call.argumentsJson());
            int days = args.get("days").getAsInt();
            assertTrue(days >= 1 && days <= 3, call.argumentsJson());
        } else {
            assertEquals("get_time", call.name());
            assertTrue(List.of("CET", "UTC").contains(args.get("zone").getAsString()), call.argumentsJson());
        }
    }

    @Test
    void aRequiredCallInHermesSyntaxComesBackAsACallNotAsText() {
        for (int seed = 0; seed < 10; seed++) {
            Streamed s = run(hermes, ask(List.of(ChatMessage.user("Weather in Paris?")), ToolChoice.REQUIRED, seed));
            assertEquals(FinishReason.TOOL_CALLS, s.stats().finishReason(), s.stats().text());
            assertEquals(1, s.stats().toolCalls().size());
            assertEquals(s.stats().toolCalls(), s.calls());
            assertValidCall(s.calls().get(0));
            String streamed = String.join("", s.pieces());
            assertFalse(streamed.contains("<tool_call>") || streamed.contains("get_"), streamed);
            assertEquals(streamed, s.stats().text());
        }
    }

    @Test
    void aNamedFunctionInLlama3SyntaxIsTheOneCalled() {
        for (int seed = 0; seed < 5; seed++) {
            Streamed s = run(llama3, ask(List.of(ChatMessage.user("What time is it?")),
                    ToolChoice.function("get_time"), seed));
            assertEquals(FinishReason.TOOL_CALLS, s.stats().finishReason(), s.stats().text());
            assertEquals(1, s.calls().size());
            assertEquals("get_time", s.calls().get(0).name());
            assertValidCall(s.calls().get(0));
            assertEquals("", s.stats().text());
        }
    }

    @Test
    void aConversationWithCallsAndToolAnswersRendersAndToolsShowInThePrompt() {
        ToolCall earlier = new ToolCall("call_abc", "get_weather", "{\"city\":\"Paris\",\"days\":1}");
        List<ChatMessage> chat = List.of(ChatMessage.user("Weather in Paris?"),
                new ChatMessage(ChatMessage.Role.ASSISTANT, "", List.of(earlier), null),
                new ChatMessage(ChatMessage.Role.TOOL, "{\"sky\":\"clear\"}", List.of(), "call_abc"));
        GenerationStats with = hermes.generate(ask(chat, ToolChoice.AUTO, 1).withSampling(Sampling.greedy(2)), null)
                .await();
        GenerationStats without = hermes.generate(ask(chat, ToolChoice.NONE, 1).withSampling(Sampling.greedy(2)),
                null).await();
        // the tools' JSON (names, descriptions, schemas) is in the prompt only when they are sent
        assertTrue(with.promptTokens() > without.promptTokens() + 50, with.promptTokens() + " vs "
                + without.promptTokens());
    }

    /** A forced call in each of the other families comes back as a valid call, none of its markup streamed. */
    @Test
    void mistralGraniteAndHarmonyCallsAreEnforcedToo() {
        // One model at a time: each worker compiles its template in GraalJS, which several at once on a small
        // machine may not finish within the compile limit.
        for (Family f : List.of(new Family("mistral", MISTRAL, "[TOOL_CALLS]"),
                new Family("mistral-args", MISTRAL_ARGS, "[TOOL_CALLS]"),
                new Family("granite", null, "<|tool_call|>"), new Family("harmony", HARMONY, "<|channel|>"))) {
            LoadedModel model = f.template() == null ? granite : model(f.name(), f.template());
            try {
                calls(f, model);
            } finally {
                if (model != granite) {
                    model.close();
                }
            }
        }
    }

    /** A call family: its template (null: the granite model loaded for every test) and its marker. */
    private record Family(String name, String template, String marker) {
    }

    private static void calls(Family family, LoadedModel model) {
        String name = family.name();
        String marker = family.marker();
        {
            for (int seed = 0; seed < 3; seed++) {
                ToolChoice choice = seed == 0 ? ToolChoice.function("get_time") : ToolChoice.REQUIRED;
                Streamed s = run(model, ask(List.of(ChatMessage.user("What time is it?")), choice, seed));
                assertEquals(FinishReason.TOOL_CALLS, s.stats().finishReason(), name + ": " + s.stats().text());
                assertEquals(1, s.calls().size(), name);
                assertValidCall(s.calls().get(0));
                if (seed == 0) {
                    assertEquals("get_time", s.calls().get(0).name());
                }
                String streamed = String.join("", s.pieces());
                assertFalse(streamed.contains(marker) || streamed.contains("get_"), name + ": " + streamed);
            }
        }
    }

    @Test
    void aFamilyWithoutACallGrammarRefusesRequiredButTakesAuto() {
        // A template that shows tools but teaches no call syntax known here: required cannot be enforced.
        LoadedModel plain = model("plain", "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}"
                + "<|im_end|>\n{% endfor %}{% if tools %}{{ tools | tojson }}{% endif %}<|im_start|>assistant\n");
        try {
            GenerationException e = assertThrows(GenerationException.class, () -> plain.generate(
                    ask(List.of(ChatMessage.user("hi")), ToolChoice.REQUIRED, 1), null).await());
            assertEquals(ErrorKind.UNSUPPORTED, e.kind());
            assertEquals("llamacpp.worker.tools.choice", e.code());
        } finally {
            plain.close();
        }
        GenerationException unknown = assertThrows(GenerationException.class, () -> hermes.generate(
                ask(List.of(ChatMessage.user("hi")), ToolChoice.function("nope"), 1), null).await());
        assertEquals(ErrorKind.BAD_REQUEST, unknown.kind());
        GenerationStats auto = granite.generate(ask(List.of(ChatMessage.user("hi")), ToolChoice.AUTO, 1)
                .withSampling(Sampling.greedy(5)), null).await();
        assertEquals(5, auto.generatedTokens());
    }
}

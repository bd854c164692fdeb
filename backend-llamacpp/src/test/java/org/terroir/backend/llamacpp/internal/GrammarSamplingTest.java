package org.terroir.backend.llamacpp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * Structured output with the real engine: a random-weight model, constrained by the grammar chat-template's
 * converter makes of a schema, writes JSON that parses and validates against that schema (checked by an
 * independent validator, networknt's).
 */
class GrammarSamplingTest {
    static final int SCHEMAS = 200;
    static final int MAX_TOKENS = 400;

    @TempDir
    static Path home;
    static LlamaCppBackend backend;
    static LoadedModel model;

    @BeforeAll
    static void load() {
        backend = new LlamaCppBackend(Engine.CURRENT, TestConfig.defaults(), home,
                new BundleWorkerClasspath(TestBundle.create(1L), home.resolve("cache/llamacpp")));
        Path file = home.resolve("tiny.gguf");
        TinyLlama.unitTest().tiedOutput(false).weightType(TensorType.Q8_0).contextLength(1024).build().write(file);
        ModelDescriptor d = backend.describe(file).orElseThrow();
        model = backend.load(d, LoadOptions.defaults().withContextLength(1024));
    }

    @AfterAll
    static void stop() {
        backend.deactivate();
    }

    private static GenerationStats generate(ResponseFormat format, long seed) {
        Sampling sampling = Sampling.defaults().withMaxTokens(MAX_TOKENS).withTemperature(0.9f).withSeed(Long.valueOf(seed));
        GenerationRequest request = GenerationRequest.chat(List.of(ChatMessage.user("Answer in JSON.")), sampling)
                .withResponseFormat(format);
        return model.generate(request, null).await();
    }

    @Test
    void twoHundredRandomStrictSchemasAreAnsweredWithValidJson() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Random random = new Random(20261202);
        int finished = 0;
        List<String> cutShort = new ArrayList<>();
        for (int i = 0; i < SCHEMAS; i++) {
            JsonObject root = new Generator(random).root();
            String schemaText = root.toString();
            GenerationStats stats = generate(ResponseFormat.jsonSchema("s" + i, schemaText, true), i);
            if (stats.finishReason() == FinishReason.LENGTH) {
                cutShort.add(schemaText);
                continue;
            }
            assertEquals(FinishReason.STOP, stats.finishReason(), schemaText);
            JsonElement parsed = JsonParser.parseString(stats.text());
            JsonSchema schema = factory.getSchema(schemaText);
            Set<ValidationMessage> errors = schema.validate(stats.text(), InputFormat.JSON);
            assertTrue(errors.isEmpty(), "schema " + schemaText + "\noutput " + stats.text() + "\n" + errors);
            assertTrue(parsed != null);
            finished++;
        }
        System.out.println("GrammarSamplingTest: " + finished + " of " + SCHEMAS + " schemas answered and valid, "
                + cutShort.size() + " cut by max tokens (" + MAX_TOKENS + ")" + (cutShort.isEmpty() ? ""
                : ": " + cutShort));
        // A random model may fail to close a recursive structure in time; all others must finish.
        assertTrue(cutShort.size() <= SCHEMAS / 20, cutShort.size() + " cut short: " + cutShort);
    }

    @Test
    void jsonObjectGivesAnObject() {
        int objects = 0;
        for (int i = 0; i < 5; i++) {
            GenerationStats stats = generate(ResponseFormat.JSON_OBJECT, 100 + i);
            if (stats.finishReason() == FinishReason.STOP) {
                assertTrue(JsonParser.parseString(stats.text()).isJsonObject(), stats.text());
                objects++;
            } else {
                assertEquals(FinishReason.LENGTH, stats.finishReason());
                assertTrue(stats.text().startsWith("{"), stats.text());
            }
        }
        System.out.println("GrammarSamplingTest: json_object finished " + objects + " of 5");
    }

    @Test
    void aSchemaThatCannotBeEnforcedFailsThatRequestOnly() {
        GenerationException e = assertThrows(GenerationException.class,
                () -> generate(ResponseFormat.jsonSchema("p", "{\"type\":\"string\",\"pattern\":\"^a+$\"}", true), 1));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertEquals("llamacpp.worker.schema.unsupported", e.code());
        assertTrue(e.getMessage().contains("pattern"), e.getMessage());
        GenerationException ref = assertThrows(GenerationException.class,
                () -> generate(ResponseFormat.jsonSchema("r", "{\"$ref\":\"#/$defs/none\"}", true), 1));
        assertEquals(ErrorKind.BAD_REQUEST, ref.kind());
        // the worker is still there
        GenerationStats stats = generate(ResponseFormat.jsonSchema("b", "{\"type\":\"boolean\"}", true), 2);
        assertTrue(stats.text().equals("true") || stats.text().equals("false"), stats.text());
    }

    @Test
    void cachedPromptTokensAreReported() {
        Sampling sampling = Sampling.greedy(3);
        List<ChatMessage> chat = List.of(ChatMessage.user("the same long question, asked twice over"));
        model.generate(GenerationRequest.chat(chat, sampling), null).await();
        GenerationStats again = model.generate(GenerationRequest.chat(chat, sampling), null).await();
        assertTrue(again.cachedPromptTokens() > 0 && again.cachedPromptTokens() < again.promptTokens(),
                again.cachedPromptTokens() + " of " + again.promptTokens());
    }

    /** Random strict schemas (every property required, no extra ones), bounded so that a random model ends. */
    static final class Generator {
        final Random r;
        final JsonObject defs = new JsonObject();

        Generator(Random r) {
            this.r = r;
        }

        JsonObject root() {
            JsonObject root = object(2);
            if (r.nextInt(4) == 0) {
                // a recursive definition: a linked list whose end is null
                JsonObject node = new JsonObject();
                node.addProperty("type", "object");
                JsonObject props = new JsonObject();
                props.add("v", integerRange());
                JsonArray any = new JsonArray();
                any.add(ref("node"));
                any.add(type("null"));
                JsonObject next = new JsonObject();
                next.add("anyOf", any);
                props.add("next", next);
                node.add("properties", props);
                node.add("required", names(props));
                node.addProperty("additionalProperties", false);
                defs.add("node", node);
                root.getAsJsonObject("properties").add("list", ref("node"));
                root.add("required", names(root.getAsJsonObject("properties")));
            }
            if (defs.size() > 0) {
                root.add("$defs", defs);
            }
            return root;
        }

        JsonObject any(int depth) {
            int pick = r.nextInt(depth > 0 ? 14 : 10);
            switch (pick) {
                case 0: return string();
                case 1: return type("boolean");
                case 2: return type("null");
                case 3: return integerRange();
                case 4: return typeWith("integer", "minimum", 0);
                case 5: return type("number");
                case 6: return enumeration();
                case 7: return constant();
                case 8: return nullable();
                case 9: return format();
                case 10: case 11: return array(depth - 1);
                case 12: return object(depth - 1);
                default: return defined(depth - 1);
            }
        }

        JsonObject object(int depth) {
            JsonObject o = type("object");
            JsonObject props = new JsonObject();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                props.add(r.nextInt(5) == 0 ? "clé " + i + " \"q\"" : "p" + i, any(depth));
            }
            o.add("properties", props);
            o.add("required", names(props));
            o.addProperty("additionalProperties", false);
            return o;
        }

        JsonObject array(int depth) {
            JsonObject a = type("array");
            a.add("items", any(Math.max(0, depth)));
            int min = r.nextInt(2);
            a.addProperty("minItems", min);
            a.addProperty("maxItems", min + r.nextInt(3));
            return a;
        }

        JsonObject string() {
            JsonObject s = type("string");
            s.addProperty("maxLength", r.nextInt(7));
            if (r.nextBoolean()) {
                s.addProperty("minLength", Math.min(1, s.get("maxLength").getAsInt()));
            }
            return s;
        }

        JsonObject integerRange() {
            JsonObject s = type("integer");
            int lo = r.nextInt(10) - 5;
            s.addProperty("minimum", lo);
            s.addProperty("maximum", lo + r.nextInt(20));
            return s;
        }

        JsonObject enumeration() {
            JsonArray values = new JsonArray();
            values.add("rouge");
            values.add(new JsonPrimitive(r.nextInt(100)));
            values.add(JsonNull.INSTANCE);
            values.add("a\"b\\c");
            JsonObject s = new JsonObject();
            s.add("enum", values);
            return s;
        }

        JsonObject constant() {
            JsonObject s = new JsonObject();
            JsonObject c = new JsonObject();
            c.addProperty("k", "v");
            c.addProperty("n", 1.5);
            s.add("const", r.nextBoolean() ? c : new JsonPrimitive("été"));
            return s;
        }

        JsonObject nullable() {
            JsonObject s = new JsonObject();
            JsonArray types = new JsonArray();
            types.add("string");
            types.add("null");
            s.add("type", types);
            s.addProperty("maxLength", 4);
            return s;
        }

        JsonObject format() {
            JsonObject s = type("string");
            s.addProperty("format", r.nextBoolean() ? "date" : "uuid");
            return s;
        }

        JsonObject defined(int depth) {
            String name = "d" + defs.size();
            defs.add(name, new JsonObject()); // reserved, so that a nested definition takes another name
            defs.add(name, object(Math.max(0, depth)));
            return ref(name);
        }

        static JsonObject ref(String name) {
            JsonObject s = new JsonObject();
            s.addProperty("$ref", "#/$defs/" + name);
            return s;
        }

        static JsonObject type(String type) {
            JsonObject s = new JsonObject();
            s.addProperty("type", type);
            return s;
        }

        static JsonObject typeWith(String type, String key, int value) {
            JsonObject s = type(type);
            s.addProperty(key, value);
            return s;
        }

        static JsonArray names(JsonObject props) {
            JsonArray a = new JsonArray();
            props.keySet().forEach(a::add);
            return a;
        }
    }
}

package org.terroir.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Where @huggingface/jinja 0.5.13 and Python Jinja2 disagree. Each differences/NAME.jinja is rendered by both
 * (Jinja2's output is differences/NAME.expected, written by render_reference.py); the test pins what
 * @huggingface/jinja gives and checks that it still differs. When one starts to fail after an upgrade, the
 * difference is gone: move the construct to a fidelity template.
 */
class KnownDifferencesTest {
    /** What @huggingface/jinja renders ("error: ..." for a failure), by file name. */
    private static final Map<String, String> HF = new LinkedHashMap<>();

    static {
        HF.put("bool-print", "true true false");
        HF.put("none-print", "[] []");
        HF.put("strip-chars", "<<role>> xxabcxx done... keep");
        HF.put("string-length", "8 🌿 1");
        HF.put("sort-keys", "{\"a\": 3, \"b\": 1, \"B\": 2, \"e\": 5, \"é\": 4}");
        HF.put("string-repeat", "error: " + TemplateException.ERROR);
        HF.put("whole-float", "1.0 1 5.0");
        HF.put("trim-none", "error: " + TemplateException.ERROR);
        HF.put("capitalize", "Hello WORLD Hello WORLD");
        HF.put("title-accents", "RéPond FrançAis");
        HF.put("round-filter", "error: " + TemplateException.ERROR);
        HF.put("missing-filters", "error: " + TemplateException.ERROR);
        HF.put("str-join", "error: " + TemplateException.ERROR);
    }

    @TestFactory
    Stream<DynamicTest> differFromJinja2AsRecorded() {
        JsonObject conversation = Fidelity.GSON.fromJson(Fidelity.text(Fidelity.ROOT + "conversations/system-user.json"), JsonObject.class);
        JsonObject settings = new JsonObject();
        settings.addProperty("bos_token", "<s>");
        RenderInput input = Fidelity.input(conversation, settings, new JsonObject());
        return HF.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            String source = Fidelity.text(Fidelity.ROOT + "differences/" + e.getKey() + ".jinja");
            String jinja2 = Fidelity.text(Fidelity.ROOT + "differences/" + e.getKey() + ".expected");
            String actual;
            try (ChatTemplate t = ChatTemplate.compile(source)) {
                actual = t.render(input);
            } catch (TemplateException x) {
                actual = "error: " + x.code();
            }
            assertEquals(e.getValue(), actual, "@huggingface/jinja changed its behaviour for " + e.getKey());
            assertNotEquals(jinja2, actual, e.getKey() + " now renders as Jinja2 does: no longer a known difference");
        }));
    }

    @Test
    void everyDifferenceFileIsListed() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(KnownDifferencesTest.class.getResource(Fidelity.ROOT + "differences").toURI());
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jinja"))
                    .forEach(n -> names.add(n.substring(0, n.length() - ".jinja".length())));
            assertEquals(new java.util.TreeSet<>(HF.keySet()), names);
        }
    }
}

package org.terroir.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fidelity case rendered by @huggingface/jinja (through ChatTemplate) must equal, byte for byte, what
 * Python Jinja2 renders with transformers' settings (the golden files, written by
 * src/test/python/render_reference.py). Each case is also rendered from the template saved with CRLF line ends.
 */
class ReferenceFidelityTest {
    private static final Map<String, String> SOURCES = Fidelity.templates();
    private static final Map<String, ChatTemplate> LF = new java.util.HashMap<>();
    private static final Map<String, ChatTemplate> CRLF = new java.util.HashMap<>();

    @TestFactory
    Stream<DynamicTest> identicalToJinja2() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Fidelity.Case c : Fidelity.cases()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c, LF.computeIfAbsent(c.template(),
                    t -> ChatTemplate.compile(SOURCES.get(t))))));
            tests.add(DynamicTest.dynamicTest(c.name() + " (CRLF)", () -> check(c, CRLF.computeIfAbsent(c.template(),
                    t -> ChatTemplate.compile(SOURCES.get(t).replace("\n", "\r\n"))))));
        }
        return tests.stream();
    }

    private static void check(Fidelity.Case c, ChatTemplate template) {
        if (!c.expectFailure()) {
            String actual = template.render(c.input());
            if (!actual.equals(c.expected())) {
                Fidelity.writeActual(c.name(), actual);
            }
            assertEquals(c.expected(), actual, c.name() + " (actual output in target/fidelity-actual/)");
            return;
        }
        TemplateException e = assertThrows(TemplateException.class, () -> template.render(c.input()));
        String[] golden = c.expected().split("\n", 2);
        if (golden[0].equals("raise")) {
            assertEquals(TemplateException.RAISE, e.code(), e.getMessage());
            assertEquals(golden[1], e.templateMessage());
        } else {
            assertTrue(e.code().equals(TemplateException.ERROR), c.name() + ": " + e.getMessage());
        }
    }

    @AfterAll
    static void close() {
        LF.values().forEach(ChatTemplate::close);
        CRLF.values().forEach(ChatTemplate::close);
    }
}

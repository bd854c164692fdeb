package org.terroir.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
    private static final String USER = "[{\"role\":\"user\",\"content\":\"Bonjour\"}]";

    private static String render(String template, RenderInput input) {
        try (ChatTemplate t = ChatTemplate.compile(template)) {
            return t.render(input);
        }
    }

    private static TemplateException failure(String template, RenderInput input) {
        return assertThrows(TemplateException.class, () -> render(template, input));
    }

    @Test
    void passesWhatTransformersPasses() {
        String template = "{{ messages[0].content }}|{{ tools is none }}|{{ documents is none }}|{{ add_generation_prompt }}"
                + "|{{ bos_token is defined }}|{{ eos_token }}|{{ messages[0].tool_calls is defined }}";
        assertEquals("Bonjour|true|true|false|false|</s>|false",
                render(template, RenderInput.builder(USER).eosToken("</s>").build()));
        assertEquals("Bonjour|false|true|true|true|</s>|false",
                render(template, RenderInput.builder(USER).tools("[]").bosToken("<s>").eosToken("</s>").addGenerationPrompt(true).build()));
    }

    @Test
    void variablesFromJavaValuesAndJson() {
        RenderInput in = RenderInput.builder("[]")
                .variable("enable_thinking", false)
                .variable("reasoning_effort", "high")
                .variable("builtin_tools", List.of("browser", "python"))
                .variable("limits", Map.of("n", 3))
                .variable("nothing", null)
                .variableJson("documents", "[{\"title\":\"é\"}]")
                .build();
        assertEquals("false high browser,python 3 true é",
                render("{{ enable_thinking }} {{ reasoning_effort }} {{ builtin_tools | join(',') }} {{ limits.n }}"
                        + " {{ nothing is none }} {{ documents[0].title }}", in));
    }

    @Test
    void reservedNamesAreRefused() {
        for (String name : List.of("messages", "tools", "raise_exception", "strftime_now", "range", "none", "True")) {
            assertThrows(IllegalArgumentException.class, () -> RenderInput.builder("[]").variable(name, 1).build(), name);
        }
        assertThrows(IllegalArgumentException.class, () -> RenderInput.builder("[]").variable("x", new Object()));
    }

    @Test
    void syntaxErrorIsReportedAtCompile() {
        TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.compile("{% for m in messages %}{{ m }"));
        assertEquals(TemplateException.SYNTAX, e.code());
        assertTrue(e.getMessage().startsWith("chat template does not parse: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessage() {
        TemplateException e = failure("{% if messages[0].role != 'system' %}{{ raise_exception('System message first, please: ' ~ messages[0].role) }}{% endif %}",
                RenderInput.builder(USER).build());
        assertEquals(TemplateException.RAISE, e.code());
        assertEquals("System message first, please: user", e.templateMessage());
        assertEquals("chat template refused the conversation: System message first, please: user", e.getMessage());
    }

    @Test
    void interpreterErrorsAreErrors() {
        TemplateException e = failure("{{ messages | no_such_filter }}", RenderInput.builder(USER).build());
        assertEquals(TemplateException.ERROR, e.code());
        assertNull(e.templateMessage());
        assertTrue(e.getMessage().startsWith("chat template failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("no_such_filter"), e.getMessage());
    }

    @Test
    void badInputIsAnInputError() {
        assertEquals(TemplateException.INPUT, failure("x", RenderInput.builder("[{\"role\":").build()).code());
        assertEquals("chat template input: messages must be a JSON array",
                failure("x", RenderInput.builder("{\"role\":\"user\"}").build()).getMessage());
        assertEquals("chat template input: tools must be a JSON array",
                failure("x", RenderInput.builder("[]").tools("{}").build()).getMessage());
        TemplateException e = failure("x", RenderInput.builder("[]").variableJson("enable_thinking", "Flase").build());
        assertEquals(TemplateException.INPUT, e.code());
        assertTrue(e.getMessage().startsWith("chat template input: variable enable_thinking is not valid JSON"), e.getMessage());
    }

    @Test
    void strftimeNowReadsTheGivenClockInItsZone() {
        Clock clock = Clock.fixed(Instant.parse("2026-07-14T22:30:00Z"), ZoneId.of("Europe/Paris"));
        assertEquals("15 Jul 2026 00:30 | July 15, 2026",
                render("{{ strftime_now('%d %b %Y %H:%M') }} | {{ strftime_now('%B %d, %Y') }}", RenderInput.builder("[]").clock(clock).build()));
        Clock utc = Clock.fixed(Instant.parse("2026-07-14T22:30:00Z"), ZoneOffset.UTC);
        assertEquals("14 Jul 2026", render("{{ strftime_now('%d %b %Y') }}", RenderInput.builder("[]").clock(utc).build()));
    }

    @Test
    void crlfAndLoneCrReadAsLf() {
        String lf = "{% for m in messages %}\n  {{ m.role }}\n{% endfor %}\nend\n";
        RenderInput in = RenderInput.builder(USER).build();
        String expected = render(lf, in);
        assertEquals("  user\nend", expected);
        assertEquals(expected, render(lf.replace("\n", "\r\n"), in));
        assertEquals(expected, render(lf.replace("\n", "\r"), in));
        // Message text is not touched.
        assertEquals("a\r\nb", render("{{ messages[0].content }}", RenderInput.builder("[{\"role\":\"user\",\"content\":\"a\\r\\nb\"}]").build()));
    }

    @Test
    void backslashNewlineInAStringLiteralContinuesTheLine() {
        assertEquals("one two | C:\\dir\\n | \\d+", render("{{ 'one \\\ntwo' }} | C:\\dir\\n | {{ '\\d+' }}", RenderInput.builder("[]").build()));
    }

    @Test
    void renderAfterCloseIsRefused() {
        ChatTemplate t = ChatTemplate.compile("x");
        assertEquals("x", t.render(RenderInput.builder("[]").build()));
        t.close();
        assertThrows(IllegalStateException.class, () -> t.render(RenderInput.builder("[]").build()));
    }

    @Test
    void namesItsInterpreter() {
        assertEquals("@huggingface/jinja 0.5.13", ChatTemplate.interpreterVersion());
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.withMaxOutputChars(0));
        assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.withRenderTimeout(java.time.Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.withMaxStatements(0));
    }
}

package org.terroir.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Templates that would hang or exhaust the process fail with a TemplateException within a couple of seconds,
 * and the same template renders normally right after (its cancelled context is replaced).
 */
class HostileTemplateTest {
    /** Hostile only when asked: the second render of the same ChatTemplate must work. */
    private static final String NESTED = "{% if hostile %}{% for i in range(3000) %}{% for j in range(3000) %}"
            + "{{ '' }}{% endfor %}{% endfor %}{% endif %}ok {{ messages | length }}";
    private static final String DOUBLING = "{% set ns = namespace(s='ab') %}{% if hostile %}{% for i in range(64) %}"
            + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{% endif %}{{ ns.s | length }}";
    /** 100 000 x 1 140 characters asked for. */
    private static final String HUGE = "{% set line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ' %}"
            + "{% set block = line ~ line ~ line ~ line ~ line ~ line ~ line ~ line ~ line ~ line %}"
            + "{% if hostile %}{% for i in range(100000) %}{{ block ~ block }}{% endfor %}{% endif %}small";

    private static ChatTemplate warm;

    @BeforeAll
    static void warmUp() {
        // The first compile in a JVM starts the interpreter: keep that out of the timings below.
        warm = ChatTemplate.compile("{{ messages | length }}");
        warm.render(input(false));
    }

    @AfterAll
    static void close() {
        warm.close();
    }

    private static RenderInput input(boolean hostile) {
        return RenderInput.builder("[{\"role\":\"user\",\"content\":\"hi\"}]").variable("hostile", hostile).build();
    }

    private static TemplateException failsWithin(ChatTemplate t, Duration within) {
        long start = System.nanoTime();
        TemplateException e = assertThrows(TemplateException.class, () -> t.render(input(true)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(within) < 0, "took " + took.toMillis() + " ms: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\tat ") && !e.getMessage().contains("Exception"), e.getMessage());
        return e;
    }

    @Test
    void nestedLoopIsStoppedByTheClock() {
        try (ChatTemplate t = ChatTemplate.compile(NESTED)) {
            TemplateException e = failsWithin(t, Duration.ofSeconds(4));
            assertEquals(TemplateException.TIMEOUT, e.code(), e.getMessage());
            assertEquals("chat template did not render within 2000 ms", e.getMessage());
            assertEquals("ok 1", t.render(input(false)));
        }
    }

    @Test
    void nestedLoopIsStoppedByTheStatementLimit() {
        Limits limits = Limits.DEFAULTS.withRenderTimeout(Duration.ofSeconds(60)).withMaxStatements(2_000_000);
        try (ChatTemplate t = ChatTemplate.compile(NESTED, limits)) {
            TemplateException e = failsWithin(t, Duration.ofSeconds(10));
            assertEquals(TemplateException.TIMEOUT, e.code(), e.getMessage());
            assertEquals("chat template did not render within 2000000 interpreter statements", e.getMessage());
            assertEquals("ok 1", t.render(input(false)));
        }
    }

    @Test
    void exponentialDoublingStopsAtTheOutputLimit() {
        try (ChatTemplate t = ChatTemplate.compile(DOUBLING)) {
            TemplateException e = failsWithin(t, Duration.ofSeconds(4));
            assertEquals(TemplateException.TOO_LARGE, e.code(), e.getMessage());
            assertEquals("2", t.render(input(false)));
        }
    }

    @Test
    void hugeOutputStopsAtTheOutputLimit() {
        // A longer clock, so that the output limit is what stops it (reaching 4 Mi chars takes 0.3-2.3 s here).
        try (ChatTemplate t = ChatTemplate.compile(HUGE, Limits.DEFAULTS.withRenderTimeout(Duration.ofSeconds(20)))) {
            TemplateException e = failsWithin(t, Duration.ofSeconds(20));
            assertEquals(TemplateException.TOO_LARGE, e.code(), e.getMessage());
            assertEquals("chat template output is longer than 4194304 characters", e.getMessage());
            assertEquals("small", t.render(input(false)));
        }
    }

    @Test
    void outputJustOverASmallLimitIsRefused() {
        Limits limits = Limits.DEFAULTS.withMaxOutputChars(100);
        try (ChatTemplate t = ChatTemplate.compile("{% for i in range(n) %}x{% endfor %}", limits)) {
            assertEquals("x".repeat(100), t.render(RenderInput.builder("[]").variable("n", 100).build()));
            TemplateException e = assertThrows(TemplateException.class,
                    () -> t.render(RenderInput.builder("[]").variable("n", 101).build()));
            assertEquals(TemplateException.TOO_LARGE, e.code());
        }
    }

    @Test
    void endlessRecursionIsAnError() {
        try (ChatTemplate t = ChatTemplate.compile("{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{% if hostile %}{{ r(0) }}{% endif %}fine")) {
            TemplateException e = failsWithin(t, Duration.ofSeconds(4));
            assertEquals(TemplateException.ERROR, e.code());
            assertEquals("chat template failed: RangeError: Maximum call stack size exceeded", e.getMessage());
            assertEquals("fine", t.render(input(false)));
        }
    }

    @Test
    void hugeRangeIsStopped() {
        try (ChatTemplate t = ChatTemplate.compile("{% if hostile %}{% for i in range(1000000000) %}{% endfor %}{% endif %}done")) {
            TemplateException e = failsWithin(t, Duration.ofSeconds(4));
            assertEquals(TemplateException.TIMEOUT, e.code());
            assertEquals("done", t.render(input(false)));
        }
    }
}

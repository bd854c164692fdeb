package org.terroir.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One ChatTemplate used by several threads at once: each render borrows a context of its own. */
class ConcurrencyTest {
    @Test
    void twoThreadsRenderTheSameTemplateAtOnce() throws Exception {
        Fidelity.Case french = caseNamed("qwen3.default.french");
        Fidelity.Case tools = caseNamed("qwen3.default.tools");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ChatTemplate t = ChatTemplate.compile(Fidelity.templates().get("qwen3"))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (Fidelity.Case c : List.of(french, tools)) {
                results.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 15; i++) {
                        assertEquals(c.expected(), t.render(c.input()), c.name() + " round " + i);
                    }
                    return 15;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertEquals(15, f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTimeoutInOneThreadLeavesTheOtherAlone() throws Exception {
        String source = "{% if hostile %}{% for i in range(100000000) %}{% endfor %}{% endif %}{{ messages | length }}";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ChatTemplate t = ChatTemplate.compile(source)) {
            RenderInput hostile = RenderInput.builder("[]").variable("hostile", true).build();
            RenderInput fine = RenderInput.builder("[{\"role\":\"user\",\"content\":\"x\"}]").variable("hostile", false).build();
            Future<String> slow = pool.submit(() -> {
                try {
                    return t.render(hostile);
                } catch (TemplateException e) {
                    return e.code();
                }
            });
            Future<Integer> quick = pool.submit(() -> {
                int n = 0;
                while (!slow.isDone()) {
                    assertEquals("1", t.render(fine));
                    n++;
                }
                return n;
            });
            assertEquals(TemplateException.TIMEOUT, slow.get(30, TimeUnit.SECONDS));
            quick.get(30, TimeUnit.SECONDS);
            assertEquals("1", t.render(fine));
        } finally {
            pool.shutdownNow();
        }
    }

    private static Fidelity.Case caseNamed(String name) {
        return Fidelity.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}

package org.terroir.template;

import java.util.Arrays;
import java.util.List;

/**
 * Prints compile and render times on this machine (not a test: run it alone, nothing else busy):
 * <pre>
 * mvn -q install -pl chat-template -DskipTests
 * mvn -q exec:java -pl chat-template -Dexec.classpathScope=test -Dexec.mainClass=org.terroir.template.RenderTiming
 * </pre>
 */
public final class RenderTiming {
    private RenderTiming() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        System.out.println("java " + System.getProperty("java.version") + ", " + ChatTemplate.interpreterVersion()
                + ", " + Runtime.getRuntime().availableProcessors() + " cpus, " + rounds + " warm rounds");
        boolean first = true;
        for (String name : List.of("qwen3.default.long", "llama3.default.tools", "harmony.default.tools", "gemma.default.french")) {
            Fidelity.Case c = Fidelity.cases().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            long t0 = System.nanoTime();
            ChatTemplate t = ChatTemplate.compile(Fidelity.templates().get(c.template()));
            long t1 = System.nanoTime();
            String out = t.render(c.input());
            long t2 = System.nanoTime();
            if (!out.equals(c.expected())) {
                throw new AssertionError(name + " renders differently from its golden file");
            }
            double[] warm = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                long s = System.nanoTime();
                t.render(c.input());
                warm[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(warm);
            System.out.printf("%-22s out %6d chars  compile %7.1f ms%s  first render %6.1f ms  warm median %5.1f ms  p90 %5.1f ms  fastest tenth mean %5.1f ms%n",
                    name, out.length(), (t1 - t0) / 1e6, first ? " (starts the engine)" : "                   ", (t2 - t1) / 1e6,
                    warm[rounds / 2], warm[rounds * 9 / 10], Arrays.stream(warm, 0, Math.max(1, rounds / 10)).average().orElse(0));
            t.close();
            first = false;
        }
    }
}

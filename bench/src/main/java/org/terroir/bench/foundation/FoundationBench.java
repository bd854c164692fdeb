package org.terroir.bench.foundation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;
import org.terroir.bench.BenchModel;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.Sampling;
import org.terroir.launcher.Platform;

/**
 * Issue 2's benchmark: the same generated model, threads, context and prompts (a) through de.kherud:llama called
 * directly in its own JVM and (b) through Terroir's ModelManager and its worker process; prints b/a ratios. Also the
 * launch-to-ready time of bin/terroir, load times, and the time to swap the llama.cpp backend bundle.
 *
 * <p>Arguments (all optional): parameters (default 60000000), threads (2), generated tokens (128), runs (5).
 */
public final class FoundationBench {
    private FoundationBench() {
    }

    record Run(int promptTokens, int tokens, double ttftMs, double totalMs) {
        double promptPerSecond() {
            return promptTokens * 1000.0 / ttftMs;
        }

        double genPerSecond() {
            return (tokens - 1) * 1000.0 / (totalMs - ttftMs);
        }
    }

    public static void main(String[] args) throws Exception {
        BenchModel bench = BenchModel.prepare(args, 128, "bench");
        int ctx = 1024;
        System.out.printf(Locale.ROOT, "model: %s, %.1f M parameters, Q8_0, %.1f MB; threads %d, context %d, %d tokens"
                + " generated, %d runs × %d alternating rounds (medians)%n", bench.tiny().name(),
                bench.tiny().parameterCount() / 1e6, Files.size(bench.model()) / 1e6, bench.threads(), ctx,
                bench.maxTokens(), bench.runs(), Integer.getInteger("bench.rounds", 3));

        int rounds = Integer.getInteger("bench.rounds", 3);
        List<Run> a = new ArrayList<>();
        List<Run> b = new ArrayList<>();
        double directLoad = Double.MAX_VALUE;
        double terroirLoad;
        double swapMs;
        Path home = bench.work().resolve("home");
        // Commas for spaces, so that the options survive the shell: -Dbench.worker.opts=-Xss4m,-Xmx512m
        String workerOptions = System.getProperty("bench.worker.opts");
        workerOptions = workerOptions == null ? null : workerOptions.replace(',', ' ');
        if (workerOptions != null) {
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/org.terroir.backend.llamacpp.cfg"),
                    "workerJvmOptions=" + workerOptions + "\n");
        }
        try (Platform platform = Platform.start(bench.dist(), home, false, Map.of(Platform.API_FROM_CLASSPATH,
                "true"))) {
            ServiceTracker<ModelManager, ModelManager> tracker = new ServiceTracker<>(platform.context(),
                    ModelManager.class, null);
            tracker.open(true);
            ModelManager models = tracker.waitForService(20_000);
            waitForBackend(models);
            // Let the platform's own start-up (class loading, JIT of Felix and Jetty) finish: on a small machine it
            // would otherwise compete with the first generations for the same cores.
            Thread.sleep(Long.getLong("bench.settle.ms", 5000));
            long t0 = System.nanoTime();
            LoadedModel loaded = models.load(bench.model().toString(), LoadOptions.defaults().withContextLength(ctx)
                    .withThreads(bench.threads()).withBatchSize(512));
            terroirLoad = (System.nanoTime() - t0) / 1e6;
            Sampling greedy = Sampling.greedy(bench.maxTokens());
            // Rounds alternate between the two, so that a change in the machine's load hits both alike.
            for (int round = 0; round < rounds; round++) {
                List<String> direct = runDirect(bench.model(), bench.threads(), ctx, bench.maxTokens(), bench.runs());
                directLoad = Math.min(directLoad, Double.parseDouble(direct.get(0).split(" ")[1]));
                direct.stream().skip(1).map(FoundationBench::parse).forEach(a::add);
                for (int run = 0; run < bench.runs(); run++) {
                    GenerationStats st = loaded.generate(GenerationRequest.completion(
                            "Run " + run + ". " + BenchModel.PROMPT, greedy), text -> { }).await();
                    b.add(new Run(st.promptTokens(), st.generatedTokens(), st.timeToFirstTokenMs(), st.totalMs()));
                }
            }
            models.unloadAll();

            Bundle backend = Arrays.stream(platform.context().getBundles())
                    .filter(x -> "org.terroir.backend-llamacpp".equals(x.getSymbolicName())).findFirst().orElseThrow();
            long s0 = System.nanoTime();
            backend.update();
            waitForBackend(models);
            swapMs = (System.nanoTime() - s0) / 1e6;
            tracker.close();
        }
        double ready = launchToReady(bench.dist(), bench.work().resolve("home2"));

        double aPrompt = median(a.stream().mapToDouble(Run::promptPerSecond).toArray());
        double bPrompt = median(b.stream().mapToDouble(Run::promptPerSecond).toArray());
        double aGen = median(a.stream().mapToDouble(Run::genPerSecond).toArray());
        double bGen = median(b.stream().mapToDouble(Run::genPerSecond).toArray());
        double aTtft = median(a.stream().mapToDouble(Run::ttftMs).toArray());
        double bTtft = median(b.stream().mapToDouble(Run::ttftMs).toArray());
        System.out.printf(Locale.ROOT, "%n%-28s %12s %12s %10s %s%n", "", "direct (a)", "Terroir (b)", "b/a", "target");
        row("prompt tokens/s", aPrompt, bPrompt, "≥ 0.97");
        row("generation tokens/s", aGen, bGen, "≥ 0.97");
        row("time to first token (ms)", aTtft, bTtft, "≤ 1.1");
        row("load (ms)", directLoad, terroirLoad, "(worker JVM start included)");
        System.out.printf(Locale.ROOT, "tokens per run: direct %s, Terroir %s%n",
                a.stream().map(r -> Integer.toString(r.tokens())).toList(),
                b.stream().map(r -> Integer.toString(r.tokens())).toList());
        System.out.printf(Locale.ROOT, "backend bundle swap (update → backend available again): %.0f ms (target < 1000)%n",
                swapMs);
        System.out.printf(Locale.ROOT, "launch to ready shell (bin/terroir, JVM start included): %.0f ms (target < 1500)%n",
                ready);
    }

    private static void row(String name, double a, double b, String target) {
        System.out.printf(Locale.ROOT, "%-28s %12.1f %12.1f %10.3f %s%n", name, a, b, b / a, target);
    }

    private static void waitForBackend(ModelManager models) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (models.backends().stream().noneMatch(b -> b.id().equals("llamacpp"))) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the llama.cpp backend did not come up");
            }
            Thread.sleep(1);
        }
    }

    private static Run parse(String line) {
        String[] f = line.split(" ");
        return new Run(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]));
    }

    private static List<String> runDirect(Path model, int threads, int ctx, int maxTokens, int runs)
            throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("llama-direct");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Dde.kherud.llama.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), DirectLlama.class.getName(), model.toString(),
                Integer.toString(threads), Integer.toString(ctx), Integer.toString(maxTokens), Integer.toString(runs),
                BenchModel.PROMPT).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("LOAD ") || line.startsWith("RUN ")) {
                    lines.add(line);
                }
            }
        }
        p.waitFor();
        if (lines.size() != runs + 1) {
            throw new IllegalStateException("direct run failed: " + lines);
        }
        return lines;
    }

    /**
     * JVM uptime when the interactive shell is ready for its first command, as bin/terroir reports it with
     * -Dterroir.debug (the best of three launches).
     */
    private static double launchToReady(Path dist, Path home) throws IOException, InterruptedException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/terroir").toString(), "--shell", "--no-browser", "--port-auto", "--home",
                    home.toString()).redirectErrorStream(true);
            builder.environment().put("JAVA_OPTS", "-Dterroir.debug=true");
            Process p = builder.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)); var in = p.getOutputStream()) {
                for (String line; (line = r.readLine()) != null; ) {
                    int at = line.indexOf("(JVM up ");
                    if (at >= 0) {
                        best = Math.min(best, Double.parseDouble(line.substring(at + 8).split(" ")[0]));
                        in.write("exit\n".getBytes(StandardCharsets.UTF_8));
                        in.flush();
                        break;
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        return best;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

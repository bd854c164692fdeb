package org.terroir.bench.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.bench.Proc;
import org.terroir.launcher.Platform;

/**
 * The engine issue's benchmark, one model at a time, in alternating rounds (the machine drifts ±15 %), medians:
 * <ul>
 * <li>pp/tg of the native harness (bench/native/llama-bench.c, the same libraries in plain C) against today's engine
 * through Terroir (worker process, JNA) — target ≥ 0.97 for both;
 * <li>today's engine against the classic one (de.kherud:llama 4.2.0), both through Terroir — targets pp ≥ 1.3, tg ≥ 0.95;
 * <li>aggregate generation of 4 parallel streams through Terroir against the harness's 4-sequence batched loop — ≥ 0.9;
 * <li>each worker's resident memory over the model file.
 * </ul>
 * Arguments: harness model [model...]; system properties bench.threads (2), bench.prompt (128), bench.gen (128),
 * bench.rounds (5), bench.parallel (4: sequences per loaded model), bench.ctx (2048: the loads' context).
 */
public final class EngineBench {
    private static final Pattern RATE = Pattern.compile("^(\\w+) rep=\\d+ .*? tokens/s=([0-9.]+)");
    private static final String[] WORDS = ("river village harvest stone wood water vine wheat autumn story family"
            + " hill seed house field bread market song road winter").split(" ");

    private EngineBench() {
    }

    public static void main(String[] args) throws Exception {
        Path harness = Path.of(args[0]);
        int threads = Integer.getInteger("bench.threads", 2);
        int nPrompt = Integer.getInteger("bench.prompt", 128);
        int nGen = Integer.getInteger("bench.gen", 128);
        int rounds = Integer.getInteger("bench.rounds", 5);
        int parallel = Integer.getInteger("bench.parallel", 4);
        Path dist = Path.of(System.getProperty(Platform.DIST_PROPERTY, "distribution/target/terroir"));
        Path home = Files.createTempDirectory("terroir-engine-bench");
        Files.createDirectories(home.resolve("conf"));
        // Commas for spaces, so that the options survive the shell: -Dbench.worker.opts=-Xss4m,-Xmx512m
        String workerOptions = System.getProperty("bench.worker.opts");
        Files.writeString(home.resolve("conf/org.terroir.backend.llamacpp.cfg"), "parallel=" + parallel + "\n"
                + (workerOptions == null ? "" : "workerJvmOptions=" + workerOptions.replace(',', ' ') + "\n"));
        try (Platform platform = Platform.start(dist, home, false, Map.of(Platform.API_FROM_CLASSPATH, "true"))) {
            ServiceTracker<InferenceBackend, InferenceBackend> tracker = new ServiceTracker<>(platform.context(),
                    InferenceBackend.class, null);
            tracker.open(true);
            InferenceBackend current = backend(tracker, "llamacpp");
            InferenceBackend classic = backend(tracker, "llamacpp-classic");
            Thread.sleep(Long.getLong("bench.settle.ms", 5000));
            for (int i = 1; i < args.length; i++) {
                benchModel(Path.of(args[i]), harness, current, classic, threads, nPrompt, nGen, rounds, parallel);
            }
            tracker.close();
        }
    }

    private static InferenceBackend backend(ServiceTracker<InferenceBackend, InferenceBackend> tracker, String id)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            ServiceReference<InferenceBackend>[] refs = tracker.getServiceReferences();
            if (refs != null) {
                for (ServiceReference<InferenceBackend> ref : refs) {
                    if (id.equals(ref.getProperty(InferenceBackend.BACKEND_ID))) {
                        return tracker.getService(ref);
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no backend " + id);
    }

    private static void benchModel(Path model, Path harness, InferenceBackend current, InferenceBackend classic,
            int threads, int nPrompt, int nGen, int rounds, int parallel) throws Exception {
        LoadOptions options = LoadOptions.defaults().withContextLength(Integer.getInteger("bench.ctx", 2048))
                .withThreads(threads).withBatchSize(Math.min(512, Integer.getInteger("bench.ctx", 2048)));
        ModelDescriptor d = current.describe(model).orElseThrow();
        System.out.printf(Locale.ROOT, "%nmodel %s (%.0f MB), %s parameters; threads %d, pp%d/tg%d, %d alternating"
                + " rounds, medians%n", model.getFileName(), Files.size(model) / 1e6,
                d.property(ModelDescriptor.PARAMETERS), threads, nPrompt, nGen, rounds);
        LoadedModel now = current.load(d, options);
        LoadedModel old = classic.load(classic.describe(model).orElseThrow(), options);
        Map<String, List<Double>> r = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            native1(harness, model, threads, nPrompt, nGen, 1, r, "native");
            measure(now, nPrompt, nGen, round, r, "current");
            measure(old, nPrompt, nGen, round, r, "classic");
            native1(harness, model, threads, nPrompt, nGen, parallel, r, "native" + parallel);
            parallel(now, nPrompt, nGen, parallel, round, r, "current" + parallel);
        }
        System.out.printf(Locale.ROOT, "%-44s %10s %10s %8s  %s%n", "", "baseline", "measured", "ratio", "target");
        row("prompt tok/s: Terroir (today's) / native C", r, "native.pp", "current.pp", "≥ 0.97");
        row("generation tok/s: Terroir (today's) / native C", r, "native.tg", "current.tg", "≥ 0.97");
        row("prompt tok/s: today's / classic engine", r, "classic.pp", "current.pp", "≥ 1.3");
        row("generation tok/s: today's / classic engine", r, "classic.tg", "current.tg", "≥ 0.95");
        row(parallel + " streams aggregate tok/s: Terroir / native C", r, "native" + parallel + ".tg_aggregate",
                "current" + parallel + ".tg", "≥ 0.9");
        row(parallel + " streams aggregate / one stream (Terroir)", r, "current.tg", "current" + parallel + ".tg",
                "(native: " + String.format(Locale.ROOT, "%.2f", med(r, "native" + parallel + ".tg_aggregate")
                        / med(r, "native.tg")) + ")");
        for (ProcessHandle worker : ProcessHandle.current().children().toList()) {
            long rss = Proc.rssBytes(worker.pid());
            if (rss > 0 && worker.info().commandLine().orElse("").contains("WorkerMain")) {
                System.out.printf(Locale.ROOT, "worker %d: RSS %.0f MB, model file %.0f MB, overhead %.0f MB%n",
                        worker.pid(), rss / 1e6, Files.size(model) / 1e6, (rss - Files.size(model)) / 1e6);
            }
        }
        now.close();
        old.close();
    }

    /** A prompt of exactly {@code n} tokens (BOS included), different in every run so that no cache helps. */
    private static String prompt(LoadedModel model, int n, int run) {
        StringBuilder text = new StringBuilder("Run " + run + ":");
        int i = run;
        while (model.tokenize(text.toString()).length + 1 < n) {
            text.append(' ').append(WORDS[i++ % WORDS.length]);
        }
        return text.toString();
    }

    private static void measure(LoadedModel model, int nPrompt, int nGen, int round, Map<String, List<Double>> r,
            String name) {
        GenerationStats st = model.generate(GenerationRequest.completion(prompt(model, nPrompt, round * 7 + 1),
                Sampling.greedy(nGen)), t -> { }).await();
        add(r, name + ".pp", st.promptTokens() * 1000.0 / st.timeToFirstTokenMs());
        add(r, name + ".tg", st.tokensPerSecond());
    }

    private static void parallel(LoadedModel model, int nPrompt, int nGen, int n, int round,
            Map<String, List<Double>> r, String name) throws Exception {
        List<Generation> gens = new ArrayList<>();
        long[] first = new long[n];
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(prompt(model, nPrompt, round * 13 + i + 100));
        }
        for (int i = 0; i < n; i++) {
            int k = i;
            gens.add(model.generate(GenerationRequest.completion(prompts.get(i), Sampling.greedy(nGen)), t -> {
                if (first[k] == 0) {
                    first[k] = System.nanoTime();
                }
            }));
        }
        long tokens = 0;
        for (Generation g : gens) {
            tokens += g.await().generatedTokens() - 1;
        }
        long end = System.nanoTime();
        long start = Arrays.stream(first).max().orElse(end);
        // From the moment every stream generates: the aggregate rate of decoding together.
        add(r, name + ".tg", tokens * 1e9 / Math.max(1, end - start) * ((double) tokens / tokens));
    }

    private static void native1(Path harness, Path model, int threads, int nPrompt, int nGen, int nSeq,
            Map<String, List<Double>> r, String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(harness.toString(), model.toString(), String.valueOf(threads),
                String.valueOf(nPrompt), String.valueOf(nGen), String.valueOf(nSeq), "1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                Matcher m = RATE.matcher(line);
                if (m.find()) {
                    add(r, name + "." + m.group(1), Double.parseDouble(m.group(2)));
                }
            }
        }
        p.waitFor();
    }


    private static void add(Map<String, List<Double>> r, String key, double value) {
        r.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    private static double med(Map<String, List<Double>> r, String key) {
        List<Double> values = r.getOrDefault(key, List.of());
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static void row(String name, Map<String, List<Double>> r, String base, String measured, String target) {
        double a = med(r, base);
        double b = med(r, measured);
        System.out.printf(Locale.ROOT, "%-44s %10.1f %10.1f %8.3f  %s%n", name, a, b, b / a, target);
    }
}

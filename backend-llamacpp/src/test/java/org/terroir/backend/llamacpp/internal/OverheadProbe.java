package org.terroir.backend.llamacpp.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;

/**
 * Not a test: prints how the worker process compares with de.kherud:llama called directly in one JVM (load
 * time, time to first token, tokens/s), for the report. Run with the test class path and
 * {@code -Dde.kherud.llama.tmpdir=<private folder>}; arguments: {@code unit|small [runs]}.
 */
public final class OverheadProbe {
    private static final String PROMPT = "the cat sat on the mat and the dog ran after the cat";
    private static final int TOKENS = 200;
    private static final int CONTEXT = 512;
    private static final int THREADS = Integer.getInteger("probe.threads", 2);

    public static void main(String[] args) throws Exception {
        String size = args.length > 0 ? args[0] : "unit";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("terroir-probe");
        Path file = dir.resolve(size + ".gguf");
        (size.equals("small") ? TinyLlama.small() : TinyLlama.unitTest()).weightType(TensorType.Q8_0).build()
                .write(file);
        LlamaCppBackend backend = new LlamaCppBackend(TestConfig.with(Map.of()), dir.resolve("home"),
                new BundleWorkerClasspath(TestBundle.create(1L), dir.resolve("home/cache/llamacpp")));
        LoadOptions options = LoadOptions.defaults().withContextLength(CONTEXT).withThreads(THREADS);
        List<double[]> viaWorker = new ArrayList<>();
        List<double[]> direct = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            LlamaCppModel model = (LlamaCppModel) backend.load(backend.describe(file).orElseThrow(), options);
            double loadMs = (System.nanoTime() - start) / 1e6;
            GenerationStats stats = model.generate(GenerationRequest.completion(PROMPT, Sampling.greedy(TOKENS)),
                    null).await();
            if (Boolean.getBoolean("probe.second")) {
                stats = model.generate(GenerationRequest.completion(PROMPT, Sampling.greedy(TOKENS)), null).await();
            }
            viaWorker.add(new double[] {loadMs, stats.timeToFirstTokenMs(), stats.tokensPerSecond()});
            model.close();
            // Interleaved, so that both ways see the same load from the rest of the machine.
            direct.add(direct(file));
        }
        print("worker (backend)", viaWorker);
        print("direct (in JVM) ", direct);
        double[] w = median(viaWorker);
        double[] d = median(direct);
        System.out.printf("ratios worker/direct: load %.2f, ttft %.2f, tokens/s %.3f%n", w[0] / d[0], w[1] / d[1],
                w[2] / d[2]);
        Runtime.getRuntime().halt(0);
    }

    private static double[] direct(Path file) {
        long start = System.nanoTime();
        LlamaModel model = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(CONTEXT)
                .setThreads(THREADS).setThreadsBatch(THREADS).setBatchSize(512).setParallel(1).skipWarmup());
        double loadMs = (System.nanoTime() - start) / 1e6;
        long t0 = System.nanoTime();
        LlamaIterator it = model.generate(new InferenceParameters(PROMPT).setNPredict(TOKENS).setTemperature(0f)
                .setTopK(0).setTopP(1f).setMinP(0f).setRepeatPenalty(1f).setSeed(0)).iterator();
        long first = 0;
        int n = 0;
        while (it.hasNext()) {
            it.next();
            if (!it.hasNext()) {
                break;
            }
            n++;
            if (first == 0) {
                first = System.nanoTime();
            }
        }
        long end = System.nanoTime();
        // never closed: close() frees nothing and later calls can hang (DESIGN.md); the JVM exits at the end
        return new double[] {loadMs, (first - t0) / 1e6, (n - 1) * 1e9 / (end - first)};
    }

    private static void print(String label, List<double[]> runs) {
        double[] m = median(runs);
        System.out.printf("%s: load %.0f ms, first token %.1f ms, %.1f tokens/s (median of %d)%n", label, m[0], m[1],
                m[2], runs.size());
    }

    private static double[] median(List<double[]> runs) {
        double[] result = new double[3];
        for (int k = 0; k < 3; k++) {
            final int column = k;
            double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
            result[k] = values[values.length / 2];
        }
        return result;
    }
}

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
 * {@code -Dde.kherud.llama.tmpdir=<private folder>} ({@code -Dprobe.threads=N}, default 2); arguments:
 * {@code unit|small|bench [runs]}. The bench/ module does the official comparison; this one checks the worker.
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
        TinyLlama.Builder shape = size.equals("small") ? TinyLlama.small()
                : size.equals("bench") ? TinyLlama.bench(100_000_000) : TinyLlama.unitTest();
        shape.weightType(TensorType.Q8_0).build().write(file);
        LlamaCppBackend backend = new LlamaCppBackend(TestConfig.with(Map.of()), dir.resolve("home"),
                new BundleWorkerClasspath(TestBundle.create(1L), dir.resolve("home/cache/llamacpp")));
        LoadOptions options = LoadOptions.defaults().withContextLength(CONTEXT).withThreads(THREADS);
        // Load times: a fresh worker each time, as a user's load is.
        List<Double> workerLoads = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            LlamaCppModel model = (LlamaCppModel) backend.load(backend.describe(file).orElseThrow(), options);
            workerLoads.add((System.nanoTime() - start) / 1e6);
            model.close();
        }
        long start = System.nanoTime();
        LlamaModel directModel = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(CONTEXT)
                .setThreads(THREADS).setThreadsBatch(THREADS).setBatchSize(512).setParallel(1).skipWarmup());
        double directLoad = (System.nanoTime() - start) / 1e6;
        // Generation: one model each way, requests interleaved so both see the same machine.
        LlamaCppModel workerModel = (LlamaCppModel) backend.load(backend.describe(file).orElseThrow(), options);
        List<double[]> viaWorker = new ArrayList<>();
        List<double[]> direct = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            GenerationStats stats = workerModel.generate(GenerationRequest.completion(PROMPT,
                    Sampling.greedy(TOKENS)), null).await();
            viaWorker.add(new double[] {stats.timeToFirstTokenMs(), stats.tokensPerSecond()});
            direct.add(direct(directModel));
        }
        double[] w = median(viaWorker);
        double[] d = median(direct);
        double wl = workerLoads.stream().mapToDouble(Double::doubleValue).sorted().toArray()[runs / 2];
        System.out.printf("worker (backend): load %.0f ms (median of %d fresh workers), first token %.2f ms, "
                + "%.1f tokens/s (median of %d)%n", wl, runs, w[0], w[1], runs);
        System.out.printf("direct (in JVM) : load %.0f ms (first in this JVM), first token %.2f ms, %.1f tokens/s%n",
                directLoad, d[0], d[1]);
        System.out.printf("ratios worker/direct: first token %.2f, tokens/s %.3f%n", w[0] / d[0], w[1] / d[1]);
        Runtime.getRuntime().halt(0);
    }

    private static double[] direct(LlamaModel model) {
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
        return new double[] {(first - t0) / 1e6, (n - 1) * 1e9 / (end - first)};
    }

    private static double[] median(List<double[]> runs) {
        double[] result = new double[2];
        for (int k = 0; k < 2; k++) {
            final int column = k;
            double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
            result[k] = values[values.length / 2];
        }
        return result;
    }
}

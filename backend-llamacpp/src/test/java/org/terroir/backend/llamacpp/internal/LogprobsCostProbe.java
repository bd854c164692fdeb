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

/**
 * Not a test: what log probabilities cost on today's engine. One worker, the same greedy request without
 * logprobs, with logprobs 0 and with 20 alternatives, in alternating rounds; prints the median tokens/s of each and
 * the ratios to the run without. Run with the test class path; arguments: {@code unit|small|bench [rounds]}.
 */
public final class LogprobsCostProbe {
    public static void main(String[] args) throws Exception {
        String size = args.length > 0 ? args[0] : "small";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("terroir-probe");
        Path file = dir.resolve(size + ".gguf");
        TinyLlama.Builder shape = size.equals("bench") ? TinyLlama.bench(100_000_000)
                : size.equals("unit") ? TinyLlama.unitTest() : TinyLlama.small();
        TinyLlama tiny = shape.weightType(TensorType.Q8_0).build();
        tiny.write(file);
        LlamaCppBackend backend = new LlamaCppBackend(Engine.CURRENT, TestConfig.with(Map.of()), dir.resolve("home"),
                new BundleWorkerClasspath(TestBundle.create(1L), dir.resolve("home/cache/llamacpp")));
        LlamaCppModel model = (LlamaCppModel) backend.load(backend.describe(file).orElseThrow(),
                LoadOptions.defaults().withContextLength(512).withThreads(Integer.getInteger("probe.threads", 2)));
        int[] modes = {-1, 0, 20};
        List<List<Double>> speeds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        GenerationRequest base = GenerationRequest.completion("the cat sat on the mat and the dog ran after the cat",
                Sampling.greedy(200));
        model.generate(base, null).await(); // warm-up
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < modes.length; m++) {
                GenerationStats stats = model.generate(base.withLogprobs(modes[m]), null).await();
                speeds.get(m).add(stats.tokensPerSecond());
            }
        }
        double[] median = new double[3];
        for (int m = 0; m < 3; m++) {
            double[] v = speeds.get(m).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            median[m] = v[v.length / 2];
        }
        System.out.printf("%s (vocabulary %d): tokens/s median of %d: off %.1f, logprobs 0 %.1f (%.3f), "
                + "top 20 %.1f (%.3f)%n", size, tiny.vocabSize(), rounds, median[0], median[1], median[1] / median[0],
                median[2], median[2] / median[0]);
        Runtime.getRuntime().halt(0);
    }
}

package org.terroir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.terroir.launcher.Platform;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * What the benchmarks that time generations set up alike: their first four arguments (all optional: parameters,
 * default 60000000; threads, 2; generated tokens, the bench's default; runs, 5), the assembled distribution
 * ({@code -Dterroir.dist}), a work folder and, in it, a tiny llama of that size (Q8_0) that never stops early.
 */
public record BenchModel(long parameters, int threads, int maxTokens, int runs, Path dist, Path work, Path model,
        TinyLlama tiny) {
    /** A prompt of a few dozen tokens; benches number it per run so that no cache answers for the engine. */
    public static final String PROMPT = "The history of the small village by the river begins long ago, when the"
            + " first farmers came down from the hills with their animals and their seeds, and built houses of stone.";

    /** Reads the arguments and writes the model into a new work folder named {@code terroir-<name>}. */
    public static BenchModel prepare(String[] args, int defaultTokens, String name) throws IOException {
        long parameters = args.length > 0 ? Long.parseLong(args[0]) : 60_000_000L;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int maxTokens = args.length > 2 ? Integer.parseInt(args[2]) : defaultTokens;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path dist = Path.of(System.getProperty(Platform.DIST_PROPERTY, "distribution/target/terroir"));
        Path work = Files.createTempDirectory("terroir-" + name);
        Path model = work.resolve("bench.gguf");
        TinyLlama tiny = TinyLlama.bench(parameters).weightType(TensorType.Q8_0).suppressSpecialTokens(true).build();
        tiny.write(model);
        return new BenchModel(parameters, threads, maxTokens, runs, dist, work, model, tiny);
    }
}

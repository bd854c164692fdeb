package org.terroir.bench.foundation;

import java.util.Locale;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;

/**
 * The baseline: de.kherud:llama called directly in one JVM, as a program without Terroir would. Run in its own
 * process by {@link FoundationBench}; prints one line of figures per run.
 *
 * <p>Arguments: model threads ctx maxTokens runs prompt
 */
public final class DirectLlama {
    private DirectLlama() {
    }

    public static void main(String[] args) {
        String model = args[0];
        int threads = Integer.parseInt(args[1]);
        int ctx = Integer.parseInt(args[2]);
        int maxTokens = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        String prompt = args[5];
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> { });
        long t0 = System.nanoTime();
        try (LlamaModel llama = new LlamaModel(new ModelParameters().setModel(model).setCtxSize(ctx)
                .setThreads(threads).setThreadsBatch(threads).setBatchSize(512).skipWarmup())) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            System.out.printf(Locale.ROOT, "LOAD %.1f%n", loadMs);
            for (int run = 0; run < runs; run++) {
                // A new prompt each run, so that no run reuses the last one's cached prompt.
                String text = "Run " + run + ". " + prompt;
                int promptTokens = llama.encode(text).length;
                InferenceParameters params = new InferenceParameters(text).setNPredict(maxTokens)
                        .setTemperature(0f).setTopK(0).setTopP(1f).setMinP(0f).setRepeatPenalty(1f).setSeed(1);
                long start = System.nanoTime();
                long first = 0;
                int tokens = 0;
                LlamaIterator it = llama.generate(params).iterator();
                while (it.hasNext()) {
                    it.next();
                    if (!it.hasNext()) {
                        break; // the closing chunk of a stream carries no token
                    }
                    if (tokens == 0) {
                        first = System.nanoTime();
                    }
                    tokens++;
                }
                long end = System.nanoTime();
                System.out.printf(Locale.ROOT, "RUN %d %d %.3f %.3f%n", promptTokens, tokens, (first - start) / 1e6,
                        (end - start) / 1e6);
            }
        }
        System.out.flush();
        // The library's native threads can keep the JVM alive after close().
        Runtime.getRuntime().halt(0);
    }
}

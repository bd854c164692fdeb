package org.terroir.bench.hardware;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;

/**
 * Child process of {@link EstimateAccuracyBench}: loads one model with the settings of Terroir's llama.cpp worker
 * (same library, same JVM options, skipWarmup, one slot), fills its whole context with a prompt so the compute
 * buffers reach their worst case, generates a few tokens, and prints its own peak resident memory (VmHWM).
 *
 * <p>Arguments: {@code <model.gguf|-> <ctx> <mmap:true|false> <threads>}; "-" measures the process with the
 * library loaded but no model (the estimator's fixed overhead).
 */
public final class LlamaRssProbe {
    private LlamaRssProbe() {
    }

    public static void main(String[] args) throws Exception {
        // The library logs to stdout on its own: keep it quiet so the result line is easy to find.
        LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> { });
        if (args[0].equals("-")) {
            report();
            return;
        }
        int ctx = Integer.parseInt(args[1]);
        boolean mmap = Boolean.parseBoolean(args[2]);
        int threads = Integer.parseInt(args[3]);
        ModelParameters p = new ModelParameters().setModel(args[0]).setCtxSize(ctx).setThreads(threads)
                .setThreadsBatch(threads).setBatchSize(512).setGpuLayers(0).setParallel(1).skipWarmup();
        if (!mmap) {
            p.disableMmap();
        }
        // Never closed: close() of this library version can hang; the process ending frees everything.
        LlamaModel model = new LlamaModel(p);
        // A prompt that fills the context but for the generated tokens: the last ubatch then attends to
        // (almost) every cell, which is the compute buffer's worst case that the estimate describes.
        StringBuilder text = new StringBuilder();
        int[] tokens = new int[0];
        while (tokens.length < ctx) {
            text.append(" the quick brown fox jumps over the lazy dog and then some more words follow here");
            tokens = model.encode(text.toString());
        }
        int[] prompt = Arrays.copyOf(tokens, Math.max(1, ctx - 48));
        InferenceParameters ip = new InferenceParameters(model.decode(prompt)).setNPredict(8)
                .setTemperature(0.7f).setCachePrompt(false);
        int n = 0;
        for (LlamaOutput ignored : model.generate(ip)) {
            n++;
        }
        System.err.println("generated " + n);
        report();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void report() throws Exception {
        long hwm = 0;
        long rss = 0;
        long anon = 0;
        long file = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            String[] f = line.split("\\s+");
            switch (f[0]) {
                case "VmHWM:" -> hwm = Long.parseLong(f[1]);
                case "VmRSS:" -> rss = Long.parseLong(f[1]);
                case "RssAnon:" -> anon = Long.parseLong(f[1]);
                case "RssFile:" -> file = Long.parseLong(f[1]);
                default -> { }
            }
        }
        System.out.println("TERROIR_RSS " + hwm * 1024 + " " + rss * 1024 + " " + anon * 1024 + " " + file * 1024);
        System.out.flush();
    }
}

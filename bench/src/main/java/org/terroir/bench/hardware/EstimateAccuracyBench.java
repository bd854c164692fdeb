package org.terroir.bench.hardware;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.hardware.internal.ProbingHardwareAdvisor;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * How close the hardware advisor's estimate is to what llama.cpp really takes: for generated models of several
 * sizes, weight types and context lengths, the estimate (CPU only, as the bundled library runs) is compared with
 * the peak resident memory (VmHWM) of a worker-like child JVM that loaded the model and filled its context, with
 * and without mmap. Prints the table and the worst error; exits 1 when it is above 10 %.
 *
 * <p>Arguments: {@code [work folder] [threads]}. The classpath must hold this module's dependencies (api, gguf,
 * hardware, testkit, de.kherud:llama); the child gets the same classpath.
 */
public final class EstimateAccuracyBench {
    private static final double MIB = 1024.0 * 1024;
    private static final String JVM_OPTIONS = "-Xss4m -Xmx512m -XX:+UseSerialGC";

    /** One model and context; {@code holdout} cases were not used to calibrate the estimator's constants. */
    record Case(String label, TinyLlama model, int ctx, boolean holdout) {
        Case(String label, TinyLlama model, int ctx) {
            this(label, model, ctx, false);
        }
    }

    record Row(String model, String type, long params, long fileBytes, int ctx, boolean mmap, boolean holdout,
            MemoryEstimate e, long measured, long anon, long file) {
        double error() {
            return (e.ram() - measured) / (double) measured;
        }
    }

    private EstimateAccuracyBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"), "terroir-hw-bench");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Math.max(1, Runtime.getRuntime()
                .availableProcessors());
        Files.createDirectories(work);
        List<Case> cases = new ArrayList<>();
        // Each run fills its context with a prompt (the compute buffer's worst case), so contexts stay modest:
        // on a 2-core machine a 100 M model processes a few dozen prompt tokens per second.
        for (TensorType t : new TensorType[] {TensorType.F16, TensorType.Q8_0, TensorType.Q4_0}) {
            TinyLlama small = TinyLlama.small().weightType(t).build();
            cases.add(new Case("small-21M", small, 512));
            cases.add(new Case("small-21M", small, 2048));
            cases.add(new Case("bench-100M", TinyLlama.bench(100_000_000L).weightType(t).build(), 512));
        }
        // Held out: shapes and contexts the calibration never saw.
        cases.add(new Case("bench-400M", TinyLlama.bench(400_000_000L).weightType(TensorType.Q4_0).build(), 512,
                true));
        cases.add(new Case("unit-0.6M", TinyLlama.unitTest().weightType(TensorType.Q8_0).build(), 512, true));
        cases.add(new Case("small-21M", TinyLlama.small().weightType(TensorType.F16).build(), 4096, true));
        cases.add(new Case("bench-200M", TinyLlama.bench(200_000_000L).weightType(TensorType.Q8_0).build(), 1024,
                true));

        ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor();
        long[] baseline = measure(work, "-", 0, true, threads);
        System.out.printf(Locale.ROOT, "threads %d, %s%n", threads, advisor.profile().cpuModel());
        System.out.printf(Locale.ROOT, "worker baseline (library loaded, no model): %.0f MiB%n", baseline[0] / MIB);

        List<Row> rows = new ArrayList<>();
        for (Case c : cases) {
            Path file = work.resolve(c.label() + "-" + c.model().weightType() + ".gguf");
            if (!Files.exists(file)) {
                c.model().write(file);
            }
            for (boolean mmap : new boolean[] {true, false}) {
                EstimateOptions o = EstimateOptions.defaults().withContextLength(c.ctx()).withMmap(mmap)
                        .withGpuLayers(0).withBatchSize(512);
                MemoryEstimate e = advisor.estimate(file, o);
                long[] m = measure(work, file.toString(), c.ctx(), mmap, threads);
                Row r = new Row(c.label(), c.model().weightType().name(), c.model().parameterCount(),
                        Files.size(file), c.ctx(), mmap, c.holdout(), e, m[0], m[2], m[3]);
                rows.add(r);
                print(r);
            }
        }
        System.out.println();
        System.out.println("| model | weights | file MiB | ctx | mmap | held out | est. weights | est. KV | "
                + "est. compute | est. fixed | estimate MiB | measured peak MiB (anon+file) | error |");
        System.out.println("|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|");
        double worst = 0;
        Row worstRow = null;
        for (Row r : rows) {
            System.out.printf(Locale.ROOT,
                    "| %s | %s | %.0f | %d | %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f (%.0f+%.0f) | %+.1f %% |%n",
                    r.model(), r.type(), r.fileBytes() / MIB, r.ctx(), r.mmap() ? "yes" : "no",
                    r.holdout() ? "yes" : "",
                    r.e().weights().ram() / MIB, r.e().kvCache().ram() / MIB, r.e().compute().ram() / MIB,
                    r.e().overhead().ram() / MIB, r.e().ram() / MIB, r.measured() / MIB, r.anon() / MIB,
                    r.file() / MIB, 100 * r.error());
            if (Math.abs(r.error()) > Math.abs(worst)) {
                worst = r.error();
                worstRow = r;
            }
        }
        System.out.printf(Locale.ROOT, "%nworst error: %+.1f %% (%s %s ctx %d mmap %s)%n", 100 * worst,
                worstRow.model(), worstRow.type(), worstRow.ctx(), worstRow.mmap());
        System.exit(Math.abs(worst) <= 0.10 ? 0 : 1);
    }

    private static void print(Row r) {
        System.out.printf(Locale.ROOT, "%-10s %-5s ctx %5d mmap %-5s estimate %7.1f MiB measured %7.1f MiB %+6.1f %%%n",
                r.model(), r.type(), r.ctx(), r.mmap(), r.e().ram() / MIB, r.measured() / MIB, 100 * r.error());
    }

    /** Runs {@link LlamaRssProbe} in a child JVM; returns VmHWM, VmRSS, RssAnon, RssFile in bytes. */
    static long[] measure(Path work, String model, int ctx, boolean mmap, int threads) throws IOException,
            InterruptedException {
        Path tmp = Files.createDirectories(work.resolve("llama-tmp"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(JVM_OPTIONS.split(" ")));
        cmd.add("-Dde.kherud.llama.tmpdir=" + tmp);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LlamaRssProbe.class.getName());
        cmd.addAll(List.of(model, String.valueOf(ctx), String.valueOf(mmap), String.valueOf(threads)));
        Process p = new ProcessBuilder(cmd).redirectError(work.resolve("probe.log").toFile()).start();
        long[] result = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                if (line.startsWith("TERROIR_RSS ")) {
                    String[] f = line.split(" ");
                    result = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4])};
                    break;
                }
            }
        }
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        if (result == null) {
            p.destroyForcibly();
            throw new IOException("probe failed for " + model + " (see " + work.resolve("probe.log") + ")"
                    + File.separator);
        }
        return result;
    }
}

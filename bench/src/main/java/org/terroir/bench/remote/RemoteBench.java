package org.terroir.bench.remote;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;


import org.osgi.util.tracker.ServiceTracker;
import org.terroir.bench.BenchModel;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.ModelManager;
import org.terroir.bench.web.StreamedRun;
import org.terroir.launcher.Platform;

/**
 * Issue 18's benchmark: the same streamed generation ({@code POST /v1/completions}, SSE, read by a plain
 * java.net.http client) asked directly of a server (B: the platform in this JVM, a bench GGUF loaded) and through a
 * second Terroir (A: the distribution started as its own process, {@code bin/terroir --server}) that has B as a
 * remote server and serves its model as {@code remote:b/bench}. Alternating rounds, medians; prints the tokens/s
 * ratio (through A over direct, target >= 0.95) and the first token's added latency.
 *
 * <p>Arguments (all optional): parameters (default 60000000), threads (2), generated tokens (128), runs (5).
 */
public final class RemoteBench {
    private RemoteBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchModel bench = BenchModel.prepare(args, 128, "remotebench");
        int portB = freePort();
        int portA = freePort();
        System.out.printf(Locale.ROOT, "model: %.1f M parameters, Q8_0; threads %d, %d tokens, %d runs (medians)%n",
                bench.parameters() / 1e6, bench.threads(), bench.maxTokens(), bench.runs());
        HttpClient http = HttpClient.newHttpClient();
        Process a = null;
        try (Platform b = Platform.start(bench.dist(), bench.work().resolve("b-home"), false,
                Map.of(Platform.API_FROM_CLASSPATH,
                "true", "org.osgi.service.http.port", Integer.toString(portB), "org.apache.felix.http.host",
                "127.0.0.1"))) {
            ServiceTracker<ModelManager, ModelManager> tracker = new ServiceTracker<>(b.context(), ModelManager.class,
                    null);
            tracker.open(true);
            tracker.waitForService(30_000).load(bench.model().toString(),
                    LoadOptions.defaults().withContextLength(1024).withThreads(bench.threads()));
            StreamedRun.awaitOk(http, "http://127.0.0.1:" + portB + "/v1/models", 600);
            Path homeA = bench.work().resolve("a-home");
            Process add = launcher(bench.dist(), homeA, bench.work().resolve("add.log"), "-c",
                    "remote add b http://127.0.0.1:" + portB + "/v1 --yes");
            if (!add.waitFor(120, TimeUnit.SECONDS) || add.exitValue() != 0) {
                throw new IllegalStateException("remote add failed: "
                        + Files.readString(bench.work().resolve("add.log")));
            }
            a = launcher(bench.dist(), homeA, bench.work().resolve("a.log"), "--server", "--no-browser", "--port",
                    Integer.toString(portA));
            Process started = a;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.descendants().forEach(ProcessHandle::destroy);
                started.destroy();
            }));
            StreamedRun.awaitOk(http, "http://127.0.0.1:" + portA + "/v1/models", 600);
            String direct = "http://127.0.0.1:" + portB + "/v1/completions";
            String remote = "http://127.0.0.1:" + portA + "/v1/completions";
            StreamedRun.completion(http, direct, "bench", prompt(-1, 0), bench.maxTokens()); // warm-up of both paths
            StreamedRun.completion(http, remote, "remote:b/bench", prompt(-1, 1), bench.maxTokens());
            List<StreamedRun> directRuns = new ArrayList<>();
            List<StreamedRun> remoteRuns = new ArrayList<>();
            for (int run = 0; run < bench.runs(); run++) {
                // Alternating which goes first, so that neither always meets a warmer machine.
                if (run % 2 == 0) {
                    directRuns.add(StreamedRun.completion(http, direct, "bench", prompt(run, 0), bench.maxTokens()));
                    remoteRuns.add(StreamedRun.completion(http, remote, "remote:b/bench", prompt(run, 1),
                            bench.maxTokens()));
                } else {
                    remoteRuns.add(StreamedRun.completion(http, remote, "remote:b/bench", prompt(run, 1),
                            bench.maxTokens()));
                    directRuns.add(StreamedRun.completion(http, direct, "bench", prompt(run, 0), bench.maxTokens()));
                }
                System.out.printf(Locale.ROOT, "  run %d: direct %s; through A %s%n", run, directRuns.get(run),
                        remoteRuns.get(run));
            }
            double directTps = median(directRuns.stream().map(StreamedRun::tokensPerSecond).toList());
            double remoteTps = median(remoteRuns.stream().map(StreamedRun::tokensPerSecond).toList());
            double directFirst = median(directRuns.stream().map(StreamedRun::firstMs).toList());
            double remoteFirst = median(remoteRuns.stream().map(StreamedRun::firstMs).toList());
            System.out.printf(Locale.ROOT, "direct to B: %.1f tokens/s, first token %.1f ms%n", directTps, directFirst);
            System.out.printf(Locale.ROOT, "through A (remote backend): %.1f tokens/s, first token %.1f ms%n",
                    remoteTps, remoteFirst);
            System.out.printf(Locale.ROOT, "ratio remote / direct: %.3f (target >= 0.95); added first-token latency "
                    + "%.1f ms%n", remoteTps / directTps, remoteFirst - directFirst);
            tracker.close();
        } finally {
            if (a != null) {
                a.descendants().forEach(ProcessHandle::destroy);
                a.destroy();
                a.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process launcher(Path dist, Path home, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/terroir").toString(), "--home",
                home.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(log.toFile());
        builder.environment().remove("TERROIR_HOME");
        builder.environment().put("CI", "true");
        return builder.start();
    }

    /** A prompt that shares no prefix with any other, so that no path reuses the other's prompt cache. */
    private static String prompt(int run, int path) {
        return (1000 + run * 2 + path) + ". " + BenchModel.PROMPT;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

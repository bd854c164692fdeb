package org.terroir.bench.web;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 * Issue 7's benchmark: the same generation streamed over HTTP ({@code POST /v1/completions}, server-sent events,
 * read by a plain java.net.http client) and in process (ModelManager, TokenListener), alternating; prints the
 * tokens/s ratio (HTTP over in process) and the time to first byte against the in-process time to first token.
 * Both rates are measured the same way: from the arrival of the first token to the arrival of the last.
 *
 * <p>Arguments (all optional): parameters (default 60000000), threads (2), generated tokens (128), runs (5).
 */
public final class WebBench {
    private WebBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchModel bench = BenchModel.prepare(args, 128, "webbench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        System.out.printf(Locale.ROOT, "model: %.1f M parameters, Q8_0; threads %d, %d tokens, %d runs (medians)%n",
                bench.parameters() / 1e6, bench.threads(), bench.maxTokens(), bench.runs());
        try (Platform platform = Platform.start(bench.dist(), bench.work().resolve("home"), false,
                Map.of(Platform.API_FROM_CLASSPATH,
                "true", "org.osgi.service.http.port", Integer.toString(port), "org.apache.felix.http.host",
                "127.0.0.1"))) {
            ServiceTracker<ModelManager, ModelManager> tracker = new ServiceTracker<>(platform.context(),
                    ModelManager.class, null);
            tracker.open(true);
            ModelManager manager = tracker.waitForService(30_000);
            LoadedModel loaded = manager.load(bench.model().toString(),
                    LoadOptions.defaults().withContextLength(1024).withThreads(bench.threads()));
            String id = "bench";
            // The sampling the API builds for {"temperature":0}: the same work on both paths.
            Sampling sampling = Sampling.defaults().withTemperature(0f).withMaxTokens(bench.maxTokens());
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + port + "/v1/completions";
            StreamedRun.awaitOk(http, "http://127.0.0.1:" + port + "/v1/models", 300);
            // Warm-up of both paths.
            inProcess(loaded, sampling, -1);
            StreamedRun.completion(http, url, id, prompt(-1, 1), bench.maxTokens());
            List<StreamedRun> direct = new ArrayList<>();
            List<StreamedRun> web = new ArrayList<>();
            for (int run = 0; run < bench.runs(); run++) {
                direct.add(inProcess(loaded, sampling, run));
                web.add(StreamedRun.completion(http, url, id, prompt(run, 1), bench.maxTokens()));
                System.out.printf(Locale.ROOT, "  run %d: in process %s, over HTTP %s%n", run, direct.get(run),
                        web.get(run));
            }
            double directTps = median(direct.stream().map(StreamedRun::tokensPerSecond).toList());
            double webTps = median(web.stream().map(StreamedRun::tokensPerSecond).toList());
            double ttft = median(direct.stream().map(StreamedRun::firstMs).toList());
            double ttfb = median(web.stream().map(StreamedRun::firstMs).toList());
            System.out.printf(Locale.ROOT, "in process: %.1f tokens/s, first token %.1f ms%n", directTps, ttft);
            System.out.printf(Locale.ROOT, "over HTTP (SSE): %.1f tokens/s, first byte of the first token %.1f ms%n",
                    webTps, ttfb);
            System.out.printf(Locale.ROOT, "ratio HTTP / in process: %.3f (target >= 0.97); first-token overhead %.1f ms%n",
                    webTps / directTps, ttfb - ttft);
            tracker.close();
        }
    }

    /** A prompt that shares no prefix with any other, so that no path reuses the other's prompt cache. */
    private static String prompt(int run, int path) {
        return (1000 + run * 2 + path) + ". " + BenchModel.PROMPT;
    }

    private static StreamedRun inProcess(LoadedModel loaded, Sampling sampling, int run) {
        List<Double> arrivals = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        GenerationStats stats = loaded.generate(GenerationRequest.completion(prompt(run, 0), sampling),
                text -> arrivals.add((System.nanoTime() - start) / 1e6)).await();
        if (arrivals.size() < 2) {
            throw new IllegalStateException("too few tokens: " + stats);
        }
        return new StreamedRun(arrivals.size(), arrivals.get(0), arrivals.get(arrivals.size() - 1));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

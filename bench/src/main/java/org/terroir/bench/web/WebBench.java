package org.terroir.bench.web;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.Sampling;
import org.terroir.launcher.Platform;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Issue 7's benchmark: the same generation streamed over HTTP ({@code POST /v1/completions}, server-sent events,
 * read by a plain java.net.http client) and in process (ModelManager, TokenListener), alternating; prints the
 * tokens/s ratio (HTTP over in process) and the time to first byte against the in-process time to first token.
 * Both rates are measured the same way: from the arrival of the first token to the arrival of the last.
 *
 * <p>Arguments (all optional): parameters (default 60000000), threads (2), generated tokens (128), runs (5).
 */
public final class WebBench {
    private static final String PROMPT = "The history of the small village by the river begins long ago, when the"
            + " first farmers came down from the hills with their animals and their seeds, and built houses of stone.";

    private WebBench() {
    }

    /** One generation as the client saw it: tokens, first and last token times (ms after the request). */
    record Run(int tokens, double firstMs, double lastMs) {
        double tokensPerSecond() {
            return (tokens - 1) * 1000.0 / (lastMs - firstMs);
        }
    }

    public static void main(String[] args) throws Exception {
        long parameters = args.length > 0 ? Long.parseLong(args[0]) : 60_000_000L;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int maxTokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path dist = Path.of(System.getProperty(Platform.DIST_PROPERTY, "distribution/target/terroir"));
        Path work = Files.createTempDirectory("terroir-webbench");
        Path model = work.resolve("bench.gguf");
        TinyLlama tiny = TinyLlama.bench(parameters).weightType(TensorType.Q8_0).suppressSpecialTokens(true).build();
        tiny.write(model);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        System.out.printf(Locale.ROOT, "model: %.1f M parameters, Q8_0; threads %d, %d tokens, %d runs (medians)%n",
                parameters / 1e6, threads, maxTokens, runs);
        try (Platform platform = Platform.start(dist, work.resolve("home"), false, Map.of(Platform.API_FROM_CLASSPATH,
                "true", "org.osgi.service.http.port", Integer.toString(port), "org.apache.felix.http.host",
                "127.0.0.1"))) {
            ServiceTracker<ModelManager, ModelManager> tracker = new ServiceTracker<>(platform.context(),
                    ModelManager.class, null);
            tracker.open(true);
            ModelManager manager = tracker.waitForService(30_000);
            LoadedModel loaded = manager.load(model.toString(),
                    LoadOptions.defaults().withContextLength(1024).withThreads(threads));
            String id = "bench";
            // The sampling the API builds for {"temperature":0}: the same work on both paths.
            Sampling sampling = Sampling.defaults().withTemperature(0f).withMaxTokens(maxTokens);
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + port + "/v1/completions";
            awaitServer(http, "http://127.0.0.1:" + port + "/v1/models");
            // Warm-up of both paths.
            inProcess(loaded, sampling, -1);
            overHttp(http, url, id, maxTokens, -1);
            List<Run> direct = new ArrayList<>();
            List<Run> web = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                direct.add(inProcess(loaded, sampling, run));
                web.add(overHttp(http, url, id, maxTokens, run));
                System.out.printf(Locale.ROOT, "  run %d: in process %s, over HTTP %s%n", run, direct.get(run),
                        web.get(run));
            }
            double directTps = median(direct.stream().map(Run::tokensPerSecond).toList());
            double webTps = median(web.stream().map(Run::tokensPerSecond).toList());
            double ttft = median(direct.stream().map(Run::firstMs).toList());
            double ttfb = median(web.stream().map(Run::firstMs).toList());
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
        return (1000 + run * 2 + path) + ". " + PROMPT;
    }

    private static Run inProcess(LoadedModel loaded, Sampling sampling, int run) {
        List<Double> arrivals = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        GenerationStats stats = loaded.generate(GenerationRequest.completion(prompt(run, 0), sampling),
                text -> arrivals.add((System.nanoTime() - start) / 1e6)).await();
        if (arrivals.size() < 2) {
            throw new IllegalStateException("too few tokens: " + stats);
        }
        return new Run(arrivals.size(), arrivals.get(0), arrivals.get(arrivals.size() - 1));
    }

    private static Run overHttp(HttpClient http, String url, String model, int maxTokens, int run) throws Exception {
        JsonObject body = new JsonObject();
        body.addProperty("model", model);
        body.addProperty("prompt", prompt(run, 1));
        body.addProperty("max_tokens", maxTokens);
        body.addProperty("temperature", 0);
        body.addProperty("stream", true);
        // Chunks may carry several tokens: count tokens from the usage the server reports at the end.
        JsonObject options = new JsonObject();
        options.addProperty("include_usage", true);
        body.add("stream_options", options);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        List<Double> arrivals = new ArrayList<>();
        int tokens = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                double at = (System.nanoTime() - start) / 1e6;
                JsonObject chunk = JsonParser.parseString(line.substring(6)).getAsJsonObject();
                if (chunk.has("usage") && chunk.get("usage").isJsonObject()) {
                    tokens = chunk.getAsJsonObject("usage").get("completion_tokens").getAsInt();
                }
                if (chunk.getAsJsonArray("choices").isEmpty()) {
                    continue;
                }
                String text = chunk.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString();
                if (!text.isEmpty()) {
                    arrivals.add(at);
                }
            }
        }
        if (arrivals.size() < 2 || tokens < 2) {
            throw new IllegalStateException("too few tokens over HTTP: " + response.statusCode());
        }
        return new Run(tokens, arrivals.get(0), arrivals.get(arrivals.size() - 1));
    }

    private static void awaitServer(HttpClient http, String url) throws Exception {
        for (int i = 0; i < 300; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no web server at " + url);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

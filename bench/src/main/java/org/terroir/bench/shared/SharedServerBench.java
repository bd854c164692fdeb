package org.terroir.bench.shared;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.osgi.util.tracker.ServiceTracker;
import org.terroir.bench.BenchModel;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.ModelManager;
import org.terroir.bench.web.StreamedRun;
import org.terroir.api.web.ApiKeys;
import org.terroir.launcher.Platform;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Issue 18's benchmark (the shared server), over real HTTP on loopback, in alternating rounds, medians:
 * <ul>
 * <li>two members at once against one member alone on one model, streamed: the later member's first token (about
 * the same: they decode side by side; one answer's length later: queued) and the end of both answers (what batching
 * two sequences gains);</li>
 * <li>a request with a member's key (admission, limits, usage written when it ends) against the same request without
 * a key: the cost of the keys and their accounting.</li>
 * </ul>
 * Arguments (all optional): parameters (default 60000000), threads (2), generated tokens (64), rounds (5), the web's
 * maxConcurrent (2, its default). The engine's parallel sequences are its default (4).
 */
public final class SharedServerBench {
    private SharedServerBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchModel bench = BenchModel.prepare(args, 64, "sharedbench");
        int rounds = bench.runs();
        int maxConcurrent = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Path home = bench.work().resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/org.terroir.web.cfg"), "maxConcurrent=" + maxConcurrent + "\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        System.out.printf(Locale.ROOT, "model: %.1f M parameters, Q8_0; threads %d, %d tokens, %d rounds (medians),"
                + " web maxConcurrent %d%n", bench.parameters() / 1e6, bench.threads(), bench.maxTokens(), rounds,
                        maxConcurrent);
        try (Platform platform = Platform.start(bench.dist(), home, false, Map.of(Platform.API_FROM_CLASSPATH, "true",
                "org.osgi.service.http.port", Integer.toString(port), "org.apache.felix.http.host", "127.0.0.1"))) {
            ServiceTracker<ModelManager, ModelManager> models = new ServiceTracker<>(platform.context(),
                    ModelManager.class, null);
            models.open(true);
            ServiceTracker<ApiKeys, ApiKeys> keys = new ServiceTracker<>(platform.context(), ApiKeys.class, null);
            keys.open(true);
            models.waitForService(30_000).load(bench.model().toString(),
                    LoadOptions.defaults().withContextLength(1024).withThreads(bench.threads()));
            String alice = keys.waitForService(30_000).create("alice").secret();
            String bob = keys.getService().create("bob").secret();
            HttpClient http = HttpClient.newHttpClient();
            // Two client threads of their own: the common pool has one thread on a 2-core machine, which would send
            // the two members' requests one after the other.
            ExecutorService clients = Executors.newFixedThreadPool(2);
            String url = "http://127.0.0.1:" + port + "/v1/completions";
            StreamedRun.awaitOk(http, "http://127.0.0.1:" + port + "/v1/models", 300);
            complete(http, url, bench.maxTokens(), null, 0);
            List<Double> alone = new ArrayList<>();
            List<Double> together = new ArrayList<>();
            List<Double> firstAlone = new ArrayList<>();
            List<Double> firstTogether = new ArrayList<>();
            List<Double> keyed = new ArrayList<>();
            List<Double> keyless = new ArrayList<>();
            int prompt = 1;
            for (int round = 0; round < rounds; round++) {
                double[] one = stream(http, url, bench.maxTokens(), alice, prompt++);
                firstAlone.add(one[0]);
                alone.add(one[1]);
                int a = prompt++;
                int b = prompt++;
                CompletableFuture<double[]> first = CompletableFuture.supplyAsync(() -> stream(http, url,
                        bench.maxTokens(),
                        alice, a), clients);
                CompletableFuture<double[]> second = CompletableFuture.supplyAsync(() -> stream(http, url,
                        bench.maxTokens(),
                        bob, b), clients);
                double[] x = first.join();
                double[] y = second.join();
                // The member served last: its first token (queued, it would come after the other's whole answer)
                // and the end of both answers.
                firstTogether.add(Math.max(x[0], y[0]));
                together.add(Math.max(x[1], y[1]));
                keyless.add(complete(http, url, bench.maxTokens(), null, prompt++));
                keyed.add(complete(http, url, bench.maxTokens(), bob, prompt++));
                System.out.printf(Locale.ROOT, "  round %d: alone first token %.0f ms, end %.0f ms; two members: later"
                        + " first token %.0f ms, end of both %.0f ms; no key %.0f ms, key %.0f ms%n", round,
                        firstAlone.get(round), alone.get(round), firstTogether.get(round), together.get(round),
                        keyless.get(round), keyed.get(round));
            }
            System.out.printf(Locale.ROOT, "two members at once / one alone, the later member's first token: %.2f"
                    + " (about 1: side by side; queued: about the answer's length over its first token, %.1f)%n",
                    median(firstTogether) / median(firstAlone), median(alone) / median(firstAlone));
            System.out.printf(Locale.ROOT, "two members at once / one alone, end of both answers: %.2f (2.0 when the"
                    + " engine gains nothing from batching two sequences, less when it does)%n",
                    median(together) / median(alone));
            System.out.printf(Locale.ROOT, "with a member's key / without a key: %.3f (target <= 1.02)%n",
                    median(keyed) / median(keyless));
            System.out.println("usage of bob: " + keys.getService().list().stream()
                    .filter(k -> k.label().equals("bob")).findFirst().orElseThrow().usage());
            clients.shutdown();
            keys.close();
            models.close();
        }
    }

    /** A completion's request, streamed or not, with the member's key when there is one. */
    private static HttpRequest.Builder request(String url, int maxTokens, String key, int prompt, boolean stream) {
        JsonObject body = body(maxTokens, prompt);
        if (stream) {
            body.addProperty("stream", true);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request;
    }

    /** One streamed completion: ms to its first token and to its end. */
    private static double[] stream(HttpClient http, String url, int maxTokens, String key, int prompt) {
        HttpRequest.Builder request = request(url, maxTokens, key, prompt, true);
        long start = System.nanoTime();
        try {
            HttpResponse<java.io.InputStream> r = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("status " + r.statusCode());
            }
            double first = -1;
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    if (first < 0 && line.startsWith("data: {") && line.contains("\"text\":\"")
                            && !line.contains("\"text\":\"\"")) {
                        first = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            if (first < 0) {
                throw new IllegalStateException("no token streamed");
            }
            return new double[] { first, (System.nanoTime() - start) / 1e6 };
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject body(int maxTokens, int prompt) {
        JsonObject body = new JsonObject();
        body.addProperty("model", "bench");
        body.addProperty("prompt", prompt + ". The history of the small village by the river begins long ago, when"
                + " the first farmers came down from the hills.");
        body.addProperty("max_tokens", maxTokens);
        body.addProperty("temperature", 0);
        return body;
    }

    /** One whole completion; its wall time in ms. */
    private static double complete(HttpClient http, String url, int maxTokens, String key, int prompt) {
        HttpRequest.Builder request = request(url, maxTokens, key, prompt, false);
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - start) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(r.statusCode() + " " + r.body());
            }
            int tokens = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("usage")
                    .get("completion_tokens").getAsInt();
            if (tokens != maxTokens) {
                throw new IllegalStateException("generated " + tokens + " tokens, not " + maxTokens);
            }
            return ms;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

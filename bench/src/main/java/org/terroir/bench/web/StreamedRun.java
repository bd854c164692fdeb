package org.terroir.bench.web;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * One generation as a client saw it: tokens, first and last token times (ms after the request). Also the streamed
 * {@code /v1/completions} request the HTTP benchmarks time, and the wait for a server, shared by them.
 */
public record StreamedRun(int tokens, double firstMs, double lastMs) {
    public double tokensPerSecond() {
        return (tokens - 1) * 1000.0 / (lastMs - firstMs);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d tokens, first %.1f ms, %.1f tokens/s", tokens, firstMs,
                tokensPerSecond());
    }

    /**
     * A greedy streamed completion of {@code prompt}; tokens are counted from the usage the server reports at the end
     * (a chunk may carry several), arrival times from the chunks that carry text.
     */
    public static StreamedRun completion(HttpClient http, String url, String model, String prompt, int maxTokens)
            throws Exception {
        JsonObject body = new JsonObject();
        body.addProperty("model", model);
        body.addProperty("prompt", prompt);
        body.addProperty("max_tokens", maxTokens);
        body.addProperty("temperature", 0);
        body.addProperty("stream", true);
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
                if (!chunk.has("choices") || chunk.getAsJsonArray("choices").isEmpty()) {
                    continue;
                }
                String text = chunk.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString();
                if (!text.isEmpty()) {
                    arrivals.add(at);
                }
            }
        }
        if (arrivals.size() < 2 || tokens < 2) {
            throw new IllegalStateException("too few tokens from " + url + ": " + response.statusCode());
        }
        return new StreamedRun(tokens, arrivals.get(0), arrivals.get(arrivals.size() - 1));
    }

    /** Waits until {@code url} answers 200, {@code tries} times 100 ms at most. */
    public static void awaitOk(HttpClient http, String url, int tries) throws Exception {
        for (int i = 0; i < tries; i++) {
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
}

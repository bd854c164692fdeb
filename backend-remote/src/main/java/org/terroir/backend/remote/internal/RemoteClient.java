package org.terroir.backend.remote.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLException;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/**
 * The HTTP side of one remote server: its OpenAI-compatible API with java.net.http, the key as a bearer token, TLS
 * trusted through {@link PinningTrust}. Every failure becomes a {@link TerroirException} whose kind and words say
 * what happened (unreachable, key refused, certificate refused, model gone, the server's own refusal).
 */
final class RemoteClient {
    static final Duration CONNECT = Duration.ofSeconds(5);
    /** The longest a non-streamed call (models, embeddings) may take. */
    static final Duration CALL = Duration.ofSeconds(120);
    /** The most bytes of a non-streamed answer read (a list of models, embeddings of a batch). */
    static final int MAX_BODY = 64 << 20;

    final RemoteServer server;
    private final String key;
    private final PinningTrust trust;
    private final HttpClient http;

    RemoteClient(RemoteServer server, String key, Executor executor) {
        this.server = server;
        this.key = key;
        this.trust = PinningTrust.create(server.pinSha256());
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (server.https()) {
            builder.sslContext(trust.context());
        }
        this.http = builder.build();
    }

    /** The model ids the server lists ({@code GET /models}), with the context length when it says. */
    record Listed(String id, int contextLength) {
    }

    List<Listed> models() {
        JsonObject body = getJson("/models");
        List<Listed> models = new ArrayList<>();
        if (body.has("data") && body.get("data").isJsonArray()) {
            for (JsonElement e : body.getAsJsonArray("data")) {
                if (e.isJsonObject() && e.getAsJsonObject().has("id")) {
                    JsonObject m = e.getAsJsonObject();
                    models.add(new Listed(m.get("id").getAsString(), contextLength(m)));
                }
            }
        } else if (body.has("models") && body.get("models").isJsonArray()) { // Ollama's /api/tags shape
            for (JsonElement e : body.getAsJsonArray("models")) {
                if (e.isJsonObject() && e.getAsJsonObject().has("name")) {
                    models.add(new Listed(e.getAsJsonObject().get("name").getAsString(), 0));
                }
            }
        }
        return models;
    }

    /** The context length the servers that say it put in their model entries (vLLM, llama.cpp, LM Studio). */
    private static int contextLength(JsonObject m) {
        for (String field : List.of("max_model_len", "context_length", "max_context_length", "loaded_context_length")) {
            if (m.has(field) && m.get(field).isJsonPrimitive() && m.get(field).getAsJsonPrimitive().isNumber()) {
                return m.get(field).getAsInt();
            }
        }
        if (m.has("meta") && m.get("meta").isJsonObject()) {
            JsonObject meta = m.getAsJsonObject("meta");
            for (String field : List.of("n_ctx", "n_ctx_train")) {
                if (meta.has(field) && meta.get(field).isJsonPrimitive()) {
                    return meta.get(field).getAsInt();
                }
            }
        }
        return 0;
    }

    JsonObject getJson(String path) {
        HttpRequest request = request(path).timeout(CALL).GET().build();
        return parse(send(request, null), path);
    }

    JsonObject postJson(String path, JsonObject body, String model) {
        HttpRequest request = request(path).timeout(CALL).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        return parse(send(request, model), path);
    }

    /** Starts a streamed call: the answer's body once its status is 200, or the error it stands for. */
    CompletableFuture<HttpResponse<InputStream>> stream(String path, JsonObject body, String model) {
        HttpRequest request = request(path).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        return sendOnce(request).handle((response, failure) -> {
            if (failure != null) {
                throw failure(failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : failure);
            }
            if (response.statusCode() != 200) {
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readNBytes(16 << 10), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    text = "";
                }
                throw status(response.statusCode(), text, model);
            }
            return response;
        });
    }

    /**
     * Sends, and once more on a new connection when a kept-alive one turns out dead before any answer (the server
     * restarted or was stopped since the last call): then a stopped server reads "cannot be reached", not "reset".
     */
    private CompletableFuture<HttpResponse<InputStream>> sendOnce(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).handle((r, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(r);
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof IOException && !(cause instanceof HttpTimeoutException)
                    && !(cause instanceof SSLException) && !(cause instanceof ConnectException)) {
                return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            }
            return CompletableFuture.<HttpResponse<InputStream>>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("User-Agent", "Terroir-remote/0.1");
        if (key != null && !key.isBlank()) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    private String send(HttpRequest request, String model) {
        HttpResponse<InputStream> response;
        try {
            response = sendOnce(request).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TerroirException(ErrorKind.INTERNAL, "remote.interrupted",
                    RemoteBackend.TEXTS.get("remote.interrupted", server.name()));
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
        String text;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new TerroirException(ErrorKind.BACKEND_GONE, "remote.tooLarge",
                        RemoteBackend.TEXTS.get("remote.tooLarge", server.name(), MAX_BODY >> 20));
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw failure(e);
        }
        if (response.statusCode() != 200) {
            throw status(response.statusCode(), text, model);
        }
        return text;
    }

    private JsonObject parse(String text, String path) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (RuntimeException e) {
            // falls through
        }
        throw new TerroirException(ErrorKind.BACKEND_GONE, "remote.notOpenAi",
                RemoteBackend.TEXTS.get("remote.notOpenAi", server.name(), server.url() + path));
    }

    /** What a transport failure means, in the user's words. */
    TerroirException failure(Throwable e) {
        if (e instanceof TerroirException t) {
            return t;
        }
        Throwable root = e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SSLException || c instanceof java.security.cert.CertificateException) {
                String seen = trust.presented();
                return new TerroirException(ErrorKind.BACKEND_GONE, "remote.tls", server.pinSha256() != null
                        ? RemoteBackend.TEXTS.get("remote.tls.pin", server.name(), server.pinSha256(),
                                String.valueOf(seen))
                        : RemoteBackend.TEXTS.get("remote.tls", server.name(), server.url(),
                                seen == null ? "?" : seen), e);
            }
            root = c;
        }
        if (e instanceof HttpConnectTimeoutException || root instanceof ConnectException
                || root instanceof UnresolvedAddressException || root instanceof java.net.UnknownHostException
                || root instanceof java.nio.channels.ClosedChannelException) {
            return new TerroirException(ErrorKind.BACKEND_GONE, "remote.unreachable",
                    RemoteBackend.TEXTS.get("remote.unreachable", server.name(), server.url()), e);
        }
        if (e instanceof HttpTimeoutException) {
            return new TerroirException(ErrorKind.TIMEOUT, "remote.timeout",
                    RemoteBackend.TEXTS.get("remote.timeout", server.name(), CALL.toSeconds()), e);
        }
        return new TerroirException(ErrorKind.BACKEND_GONE, "remote.lost",
                RemoteBackend.TEXTS.get("remote.lost", server.name(), String.valueOf(root.getMessage())), e);
    }

    /** What a status other than 200 means; the server's own message (OpenAI's error object) is quoted. */
    TerroirException status(int status, String body, String model) {
        String said = serverMessage(body);
        return switch (status) {
            case 401, 403 -> new TerroirException(ErrorKind.UNAUTHORIZED, "remote.key", RemoteBackend.TEXTS.get(
                    key == null ? "remote.key.missing" : "remote.key.wrong", server.name(), said));
            case 404 -> model != null
                    ? new TerroirException(ErrorKind.NOT_FOUND, "remote.model.gone",
                            RemoteBackend.TEXTS.get("remote.model.gone", model, server.name(), said))
                    : new TerroirException(ErrorKind.BACKEND_GONE, "remote.notOpenAi",
                            RemoteBackend.TEXTS.get("remote.notOpenAi", server.name(), server.url()));
            case 429 -> new TerroirException(ErrorKind.BUSY, "remote.busy",
                    RemoteBackend.TEXTS.get("remote.busy", server.name(), said));
            case 400, 413, 422 -> new TerroirException(said.toLowerCase(java.util.Locale.ROOT).contains("context")
                    ? ErrorKind.PROMPT_TOO_LONG : ErrorKind.BAD_REQUEST, "remote.refused",
                    RemoteBackend.TEXTS.get("remote.refused", server.name(), status, said));
            default -> new TerroirException(status == 504 ? ErrorKind.TIMEOUT : ErrorKind.BACKEND_GONE,
                    "remote.failed", RemoteBackend.TEXTS.get("remote.failed", server.name(), status, said));
        };
    }

    static String serverMessage(String body) {
        try {
            JsonElement e = JsonParser.parseString(body);
            if (e.isJsonObject()) {
                JsonObject o = e.getAsJsonObject();
                JsonElement error = o.get("error");
                if (error != null && error.isJsonObject() && error.getAsJsonObject().has("message")) {
                    return short200(error.getAsJsonObject().get("message").getAsString());
                }
                if (error != null && error.isJsonPrimitive()) {
                    return short200(error.getAsString());
                }
                if (o.has("message")) {
                    return short200(o.get("message").getAsString());
                }
            }
        } catch (RuntimeException e) {
            // not JSON
        }
        return short200(body.strip());
    }

    private static String short200(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    /** The fingerprint of the certificate the server presented last (to show what to pin). */
    String presentedFingerprint() {
        return trust.presented();
    }
}

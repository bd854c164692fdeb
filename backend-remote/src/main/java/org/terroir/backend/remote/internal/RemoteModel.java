package org.terroir.backend.remote.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.TokenListener;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;

/**
 * A model of a remote server, "loaded" here: nothing is held in this process; each generation is one streamed
 * {@code /chat/completions} (or {@code /completions}) call, each embedding one {@code /embeddings} call. Pieces
 * reach the listener as the server's chunks arrive; tool calls arrive whole once their deltas are complete.
 */
final class RemoteModel implements LoadedModel {
    /** Context length assumed when the server does not list it: the remote server checks the real one. */
    static final int DEFAULT_CONTEXT = 8192;
    private final ModelDescriptor descriptor;
    private final RemoteClient client;
    private final String remoteId;
    private final int contextLength;
    private final Executor executor;
    private final boolean embeddings;
    private final List<Running> running = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    RemoteModel(ModelDescriptor descriptor, RemoteClient client, String remoteId, int contextLength, Executor executor,
            boolean embeddings) {
        this.descriptor = descriptor;
        this.client = client;
        this.remoteId = remoteId;
        this.contextLength = contextLength > 0 ? contextLength : DEFAULT_CONTEXT;
        this.executor = executor;
        this.embeddings = embeddings;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public String backendId() {
        return RemoteBackend.ID;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    RemoteClient client() {
        return client;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        if (closed) {
            throw new GenerationException(ErrorKind.BACKEND_GONE, "remote.closed",
                    RemoteBackend.TEXTS.get("remote.closed", descriptor.name()));
        }
        boolean chat = request.isChat();
        JsonObject body = body(request);
        // With tools offered the answer is asked whole: several servers (Ollama's older /v1, Terroir 0.1's own
        // stream) put tool calls only in a whole answer, and a call arrives whole to the listener anyway.
        boolean whole = request.offersTools();
        if (whole) {
            body.addProperty("stream", false);
            body.remove("stream_options");
        }
        Running run = new Running(listener, System.nanoTime());
        running.add(run);
        run.result.whenComplete((s, e) -> running.remove(run));
        run.call = client.stream(chat ? "/chat/completions" : "/completions", body, remoteId);
        run.call.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : failure;
                run.fail(cause instanceof TerroirException t ? t : client.failure(cause));
                return;
            }
            run.body.set(response.body());
            if (run.cancelled.get()) {
                run.closeBody();
            }
            try {
                executor.execute(() -> {
                    if (whole) {
                        run.readWhole(response, chat);
                    } else {
                        run.read(response, chat);
                    }
                });
            } catch (RuntimeException e) {
                run.closeBody();
                run.fail(client.failure(e));
            }
        });
        return run;
    }

    /** The request in OpenAI's words. */
    JsonObject body(GenerationRequest request) {
        JsonObject o = new JsonObject();
        o.addProperty("model", remoteId);
        if (request.isChat()) {
            JsonArray messages = new JsonArray();
            for (ChatMessage m : request.messages()) {
                JsonObject j = new JsonObject();
                j.addProperty("role", m.role().wireName());
                j.addProperty("content", m.content());
                if (!m.toolCalls().isEmpty()) {
                    JsonArray calls = new JsonArray();
                    for (ToolCall c : m.toolCalls()) {
                        JsonObject call = new JsonObject();
                        call.addProperty("id", c.id());
                        call.addProperty("type", "function");
                        JsonObject f = new JsonObject();
                        f.addProperty("name", c.name());
                        f.addProperty("arguments", c.argumentsJson());
                        call.add("function", f);
                        calls.add(call);
                    }
                    j.add("tool_calls", calls);
                }
                if (m.toolCallId() != null) {
                    j.addProperty("tool_call_id", m.toolCallId());
                }
                messages.add(j);
            }
            o.add("messages", messages);
        } else {
            o.addProperty("prompt", request.prompt());
        }
        Sampling s = request.sampling();
        o.addProperty("max_tokens", s.maxTokens());
        o.addProperty("temperature", s.temperature());
        o.addProperty("top_p", s.topP());
        if (s.topK() > 0) {
            o.addProperty("top_k", s.topK());
        }
        if (s.minP() > 0) {
            o.addProperty("min_p", s.minP());
        }
        if (s.repeatPenalty() != 1f) {
            o.addProperty("repeat_penalty", s.repeatPenalty());
        }
        if (s.seed() != null) {
            o.addProperty("seed", s.seed());
        }
        if (!s.stop().isEmpty()) {
            JsonArray stop = new JsonArray();
            s.stop().forEach(stop::add);
            o.add("stop", stop);
        }
        if (!request.tools().isEmpty()) {
            JsonArray tools = new JsonArray();
            for (ToolDefinition t : request.tools()) {
                JsonObject f = new JsonObject();
                f.addProperty("name", t.name());
                f.addProperty("description", t.description());
                f.add("parameters", JsonParser.parseString(t.parametersJson()));
                JsonObject tool = new JsonObject();
                tool.addProperty("type", "function");
                tool.add("function", f);
                tools.add(tool);
            }
            o.add("tools", tools);
            ToolChoice choice = request.toolChoice();
            if (choice.mode() == ToolChoice.Mode.FUNCTION) {
                JsonObject c = new JsonObject();
                c.addProperty("type", "function");
                JsonObject f = new JsonObject();
                f.addProperty("name", choice.function());
                c.add("function", f);
                o.add("tool_choice", c);
            } else {
                o.addProperty("tool_choice", choice.mode().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        ResponseFormat format = request.responseFormat();
        if (format.type() == ResponseFormat.Type.JSON_OBJECT) {
            JsonObject f = new JsonObject();
            f.addProperty("type", "json_object");
            o.add("response_format", f);
        } else if (format.type() == ResponseFormat.Type.JSON_SCHEMA) {
            JsonObject schema = new JsonObject();
            schema.addProperty("name", format.name() == null ? "answer" : format.name());
            schema.add("schema", JsonParser.parseString(format.schemaJson()));
            schema.addProperty("strict", format.strict());
            JsonObject f = new JsonObject();
            f.addProperty("type", "json_schema");
            f.add("json_schema", schema);
            o.add("response_format", f);
        }
        o.addProperty("stream", true);
        JsonObject options = new JsonObject();
        options.addProperty("include_usage", true);
        o.add("stream_options", options);
        return o;
    }

    /** One generation: its HTTP call, the stream being read, and the pieces gathered so far. */
    private final class Running implements Generation {
        final CompletableFuture<GenerationStats> result = new CompletableFuture<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicReference<InputStream> body = new AtomicReference<>();
        final TokenListener listener;
        final long start;
        final StringBuilder text = new StringBuilder();
        final Map<Integer, String[]> calls = new TreeMap<>(); // index -> {id, name, arguments}
        volatile CompletableFuture<HttpResponse<InputStream>> call;
        long firstNanos;
        int promptTokens = -1;
        int completionTokens = -1;
        int cachedTokens;
        int pieces;
        FinishReason finish;

        Running(TokenListener listener, long start) {
            this.listener = listener;
            this.start = start;
        }

        @Override
        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                // The call is not cancelled but its body closed as soon as it is there (now, or when the answer
                // starts): closing the connection is what tells the server to stop generating.
                closeBody();
                executor.execute(() -> finish(FinishReason.CANCELLED));
            }
        }

        @Override
        public CompletableFuture<GenerationStats> result() {
            return result;
        }

        void closeBody() {
            InputStream in = body.get();
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // closing only
                }
            }
        }

        void fail(TerroirException e) {
            if (cancelled.get()) {
                finish(FinishReason.CANCELLED);
                return;
            }
            result.completeExceptionally(e instanceof GenerationException g ? g
                    : new GenerationException(e.kind(), e.code(), e.getMessage(), e));
        }

        /** The stream broke off: a cancel of ours when one was asked, else the server's or the network's failure. */
        void broken(Exception e) {
            if (cancelled.get()) {
                finish(FinishReason.CANCELLED);
            } else {
                fail(e instanceof TerroirException t ? t : client.failure(e));
            }
        }

        void read(HttpResponse<InputStream> response, boolean chat) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String line;
                StringBuilder data = new StringBuilder();
                while (!cancelled.get() && (line = reader.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (data.length() > 0 && !event(data.toString(), chat)) {
                            break;
                        }
                        data.setLength(0);
                    } else if (line.startsWith("data:")) {
                        if (data.length() > 0) {
                            data.append('\n');
                        }
                        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                    }
                    // other fields (event:, id:, retry:, comments) carry nothing OpenAI's stream needs
                }
                if (cancelled.get()) {
                    finish(FinishReason.CANCELLED);
                } else if (data.length() > 0 && !event(data.toString(), chat)) {
                    finish(null);
                } else if (finish == null && !done) {
                    fail(new TerroirException(ErrorKind.BACKEND_GONE, "remote.lost",
                            RemoteBackend.TEXTS.get("remote.lost", client.server.name(),
                                    RemoteBackend.TEXTS.get("remote.lost.ended"))));
                } else {
                    finish(null);
                }
            } catch (IOException | RuntimeException e) {
                broken(e);
            }
        }

        boolean done;

        /** A whole (non-streamed) answer: its text at once, then its tool calls. */
        void readWhole(HttpResponse<InputStream> response, boolean chat) {
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(RemoteClient.MAX_BODY + 1);
                if (cancelled.get()) {
                    finish(FinishReason.CANCELLED);
                    return;
                }
                JsonObject answer = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8))
                        .getAsJsonObject();
                if (answer.has("error")) {
                    throw client.status(statusOf(answer.get("error")), answer.toString(), remoteId);
                }
                JsonArray choices = answer.getAsJsonArray("choices");
                if (choices != null && !choices.isEmpty()) {
                    JsonObject choice = choices.get(0).getAsJsonObject();
                    JsonObject delta = new JsonObject();
                    if (chat && choice.get("message") != null && choice.get("message").isJsonObject()) {
                        delta = choice.getAsJsonObject("message");
                    } else if (!chat) {
                        delta.add("content", choice.get("text"));
                    }
                    JsonObject asChunk = new JsonObject();
                    JsonObject c = new JsonObject();
                    c.add("delta", delta);
                    c.add("finish_reason", choice.get("finish_reason"));
                    JsonArray list = new JsonArray();
                    list.add(c);
                    asChunk.add("choices", list);
                    if (answer.has("usage")) {
                        asChunk.add("usage", answer.get("usage"));
                    }
                    event(asChunk.toString(), true);
                }
                finish(null);
            } catch (IOException | RuntimeException e) {
                broken(e);
            }
        }

        /** One SSE event; false when the stream is over ({@code [DONE]}). */
        private boolean event(String data, boolean chat) {
            if (data.strip().equals("[DONE]")) {
                done = true;
                return false;
            }
            JsonObject chunk;
            try {
                chunk = JsonParser.parseString(data).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new TerroirException(ErrorKind.BACKEND_GONE, "remote.notOpenAi",
                        RemoteBackend.TEXTS.get("remote.notOpenAi", client.server.name(), client.server.url()));
            }
            if (chunk.has("error")) {
                // A server that fails after the stream began says so in a chunk of its own.
                throw client.status(statusOf(chunk.get("error")), data, remoteId);
            }
            if (chunk.has("usage") && chunk.get("usage").isJsonObject()) {
                JsonObject u = chunk.getAsJsonObject("usage");
                promptTokens = intOf(u, "prompt_tokens", promptTokens);
                completionTokens = intOf(u, "completion_tokens", completionTokens);
                if (u.has("prompt_tokens_details") && u.get("prompt_tokens_details").isJsonObject()) {
                    cachedTokens = intOf(u.getAsJsonObject("prompt_tokens_details"), "cached_tokens", 0);
                }
            }
            JsonArray choices = chunk.has("choices") && chunk.get("choices").isJsonArray()
                    ? chunk.getAsJsonArray("choices") : new JsonArray();
            for (JsonElement c : choices) {
                JsonObject choice = c.getAsJsonObject();
                String piece = null;
                if (chat && choice.has("delta") && choice.get("delta").isJsonObject()) {
                    JsonObject delta = choice.getAsJsonObject("delta");
                    piece = stringOf(delta, "content");
                    if (delta.has("tool_calls") && delta.get("tool_calls").isJsonArray()) {
                        for (JsonElement t : delta.getAsJsonArray("tool_calls")) {
                            toolDelta(t.getAsJsonObject());
                        }
                    }
                } else if (!chat) {
                    piece = stringOf(choice, "text");
                }
                if (piece != null && !piece.isEmpty()) {
                    if (firstNanos == 0) {
                        firstNanos = System.nanoTime();
                    }
                    pieces++;
                    text.append(piece);
                    listener.onToken(piece);
                }
                String reason = stringOf(choice, "finish_reason");
                if (reason != null) {
                    finish = switch (reason) {
                        case "length" -> FinishReason.LENGTH;
                        case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
                        default -> FinishReason.STOP;
                    };
                }
            }
            return true;
        }

        private void toolDelta(JsonObject t) {
            int index = t.has("index") ? t.get("index").getAsInt() : calls.size();
            String[] call = calls.computeIfAbsent(index, i -> new String[] { null, null, "" });
            if (firstNanos == 0) {
                firstNanos = System.nanoTime();
            }
            String id = stringOf(t, "id");
            if (id != null) {
                call[0] = id;
            }
            if (t.has("function") && t.get("function").isJsonObject()) {
                JsonObject f = t.getAsJsonObject("function");
                String name = stringOf(f, "name");
                if (name != null) {
                    call[1] = name;
                }
                String args = stringOf(f, "arguments");
                if (args != null) {
                    call[2] += args;
                }
            }
        }

        synchronized void finish(FinishReason forced) {
            if (result.isDone()) {
                return;
            }
            List<ToolCall> toolCalls = new ArrayList<>();
            if (forced == null) {
                for (Map.Entry<Integer, String[]> e : calls.entrySet()) {
                    String[] c = e.getValue();
                    if (c[1] != null) {
                        ToolCall call = new ToolCall(c[0] == null ? "call_" + e.getKey() : c[0], c[1], c[2]);
                        toolCalls.add(call);
                        listener.onToolCall(call);
                    }
                }
            }
            long now = System.nanoTime();
            double ttft = firstNanos == 0 ? (now - start) / 1e6 : (firstNanos - start) / 1e6;
            FinishReason reason = forced != null ? forced : finish == null ? FinishReason.STOP : finish;
            int generated = completionTokens >= 0 ? completionTokens : pieces;
            GenerationStats stats = new GenerationStats(text.toString(), Math.max(promptTokens, 0), generated, ttft,
                    (now - start) / 1e6, reason).withCachedPromptTokens(cachedTokens);
            if (!toolCalls.isEmpty()) {
                stats = stats.withToolCalls(toolCalls);
            }
            result.complete(stats);
        }
    }

    /** The HTTP status an error sent inside a stream stands for (its status is already 200). */
    static int statusOf(JsonElement error) {
        if (error != null && error.isJsonObject()) {
            JsonObject e = error.getAsJsonObject();
            JsonElement code = e.get("code");
            if (code != null && code.isJsonPrimitive() && code.getAsJsonPrimitive().isNumber()) {
                return code.getAsInt();
            }
            String type = stringOf(e, "type");
            if (type != null) {
                return switch (type) {
                    case "invalid_request_error", "not_supported_error" -> 400;
                    case "authentication_error" -> 401;
                    case "permission_error" -> 403;
                    case "not_found_error" -> 404;
                    case "rate_limit_error", "rate_limit_exceeded" -> 429;
                    case "timeout_error" -> 504;
                    default -> 500;
                };
            }
        }
        return 500;
    }

    private static String stringOf(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }

    private static int intOf(JsonObject o, String field, int otherwise) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsInt() : otherwise;
    }

    @Override
    public boolean supportsEmbeddings() {
        return true;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        JsonObject body = new JsonObject();
        body.addProperty("model", remoteId);
        JsonArray input = new JsonArray();
        texts.forEach(input::add);
        body.add("input", input);
        body.addProperty("encoding_format", "float");
        JsonObject answer = client.postJson("/embeddings", body, remoteId);
        float[][] vectors = new float[texts.size()][];
        JsonArray data = answer.has("data") && answer.get("data").isJsonArray() ? answer.getAsJsonArray("data")
                : new JsonArray();
        int position = 0;
        for (JsonElement e : data) {
            JsonObject item = e.getAsJsonObject();
            int index = item.has("index") ? item.get("index").getAsInt() : position;
            position++;
            JsonArray values = item.getAsJsonArray("embedding");
            if (index < 0 || index >= vectors.length || values == null) {
                continue;
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values.get(i).getAsFloat();
            }
            vectors[index] = v;
        }
        for (float[] v : vectors) {
            if (v == null) {
                throw new TerroirException(ErrorKind.BACKEND_GONE, "remote.notOpenAi",
                        RemoteBackend.TEXTS.get("remote.notOpenAi", client.server.name(), client.server.url()
                                + "/embeddings"));
            }
        }
        return List.of(vectors);
    }

    /**
     * An estimate: OpenAI's API has no tokenizer endpoint, so the count is the UTF-8 length over 4 (about right for
     * English and French with today's vocabularies). Used only for the early "too long" check; the remote server
     * checks the real count and its refusal is passed on.
     */
    @Override
    public int[] tokenize(String text) {
        int bytes = text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
        return new int[(bytes + 3) / 4];
    }

    @Override
    public boolean isAlive() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        for (Running r : running) {
            r.cancel();
        }
    }

    boolean embeddingsAsked() {
        return embeddings;
    }
}

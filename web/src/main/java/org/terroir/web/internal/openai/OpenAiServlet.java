package org.terroir.web.internal.openai;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.TokenListener;
import org.terroir.api.inference.ToolCall;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.Capacity;
import org.terroir.web.internal.http.ErrorKinds;
import org.terroir.web.internal.http.Sse;
import org.terroir.web.internal.http.TimeLimit;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The OpenAI-compatible API under {@code /v1/}: models, chat completions, completions and embeddings, streamed or not.
 * Generation runs on the backend's thread and hands its text over a queue; this thread writes it, so that a client that
 * went away is noticed at the next write and its generation cancelled.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/v1/*")
public class OpenAiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(OpenAiServlet.class.getName());
    /** Tokens the chat template adds around each message, for the prompt length check before generating. */
    private static final int TEMPLATE_TOKENS_PER_MESSAGE = 4;
    /** How long a non-streamed request waits before it first checks that its client is still there. */
    private static final long PROBE_MILLIS = 1000;

    @Reference
    private transient ApiServices api;

    /** Collections of documents for {@code terroir_collection} and {@code /v1/terroir/documents}; optional. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile org.terroir.api.chat.ChatDocuments chatDocuments;
    /** The passages the chat completion being served was grounded on (terroir_collection), for its answer. */
    private static final ThreadLocal<List<org.terroir.api.chat.Citation>> CITATIONS = new ThreadLocal<>();
    /** The collection the chat completion being served names, or null. */
    private static final ThreadLocal<String> COLLECTION = new ThreadLocal<>();
    /** The reader's language of the request being served (for the documents extension's texts). */
    private static final ThreadLocal<java.util.Locale> READER = new ThreadLocal<>();


    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        ApiCalls.serve(request, response, ApiError::body, () -> {
            switch (request.getMethod() + " " + path) {
                case "GET /models" -> writeJson(response, models());
                case "GET /health" -> HealthServlet.answer(api.manager(), response);
                case "POST /chat/completions" -> {
                    JsonObject body = body(request);
                    Requests.Completion call = Requests.chat(body);
                    COLLECTION.set(DocumentsExtension.collection(body));
                    READER.set(org.terroir.web.internal.Texts.of(request));
                    try {
                        complete(call, true, response);
                    } finally {
                        COLLECTION.remove();
                        READER.remove();
                        CITATIONS.remove();
                    }
                }
                case "POST /terroir/documents" -> writeJson(response, org.terroir.api.i18n.Texts.in(
                        org.terroir.web.internal.Texts.of(request), () -> addDocument(request)));
                case "GET /terroir/documents" -> writeJson(response, org.terroir.api.i18n.Texts.in(
                        org.terroir.web.internal.Texts.of(request), () -> listDocuments(request)));
                case "POST /completions" -> complete(Requests.text(body(request)), false, response);
                case "POST /embeddings" -> embeddings(Requests.embedding(body(request)), response);
                default -> {
                    if (request.getMethod().equals("GET") && path.startsWith("/models/") && path.length() > 8) {
                        writeJson(response, model(path.substring(8)));
                        return;
                    }
                    throw new ApiError(
                        path.equals("/models") || path.endsWith("completions") || path.equals("/embeddings") ? 405
                                : 404,
                        "invalid_request_error", "unknown_url", null,
                        Texts.get("error.url", request.getMethod(), request.getRequestURI()));
                }
            }
        });
    }

    /** The body as a JSON object (its type was checked by the guard: JSON only). */
    private JsonObject body(HttpServletRequest request) throws IOException {
        return api.body(request);
    }

    /** Every model under its stable id (see {@link ModelAccess#list()}). */
    private Responses.ModelList models() {
        List<Responses.Model> models = new ArrayList<>();
        for (ModelAccess.Listed m : access().list()) {
            models.add(new Responses.Model(m.id(), "model", m.created(), "terroir"));
        }
        return new Responses.ModelList("list", models);
    }

    /** {@code GET /v1/models/{id}}: the model, or OpenAI's 404. */
    private Responses.Model model(String id) {
        ModelAccess.Listed m = access().describe(id).orElseThrow(() -> ModelAccess.notFound(id));
        return new Responses.Model(m.id(), "model", m.created(), "terroir");
    }

    private void complete(Requests.Completion call, boolean chat, HttpServletResponse response) throws IOException {
        try (Capacity.Slot slot = api.slot()) {
            LoadedModel model = access().forGeneration(call.model());
            String collection = chat ? COLLECTION.get() : null;
            if (collection != null) {
                java.util.Locale reader = READER.get();
                List<ChatMessage> asked = call.messages();
                Integer askedMax = call.maxTokens();
                DocumentsExtension.Grounded grounded = org.terroir.api.i18n.Texts.in(reader,
                        () -> DocumentsExtension.ground(chatDocuments, collection, asked, model,
                                askedMax, reader));
                CITATIONS.set(grounded.citations());
                call = call.withMessages(grounded.messages());
            }
            int promptTokens = promptTokens(model, call);
            if (promptTokens >= model.contextLength()) {
                throw contextExceeded(promptTokens, model.contextLength());
            }
            int maxTokens = call.maxTokens() == null ? model.contextLength() : call.maxTokens();
            GenerationRequest request = call.apply(chat
                    ? GenerationRequest.chat(call.messages(), call.sampling().withMaxTokens(maxTokens))
                    : GenerationRequest.completion(call.prompt(), call.sampling().withMaxTokens(maxTokens)));
            String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
            long created = Instant.now().getEpochSecond();
            if (call.stream()) {
                stream(model, request, call, chat, id, created, response);
            } else {
                Generation generation = model.generate(request, text -> {
                });
                GenerationStats stats;
                String finish;
                try (TimeLimit limit = TimeLimit.of(generation::cancel, api.maxGenerationSeconds())) {
                    stats = awaitWatching(generation, response);
                    finish = limit.reached() ? "length" : Responses.finishReason(stats.finishReason());
                } catch (ApiError e) {
                    if (!response.isCommitted()) {
                        throw e;
                    }
                    // The status is gone with the first probe: the error object is the body.
                    response.getOutputStream().write(Json.OPENAI.toJson(e.body()).getBytes(StandardCharsets.UTF_8));
                    return;
                }
                if (stats == null) {
                    return; // the client left
                }
                JsonObject usage = Responses.usage(stats);
                List<ToolCall> calls = allowedCalls(call, stats.toolCalls());
                List<org.terroir.api.chat.Citation> cited = CITATIONS.get();
                writeJson(response, chat && cited != null ? withCitations(new Responses.ChatCompletion(id,
                        "chat.completion", created, call.model(), List.of(new Responses.ChatChoice(0,
                                Responses.message(stats.text(), calls), Responses.logprobs(stats.logprobs(),
                                        call.logprobs() >= 0), finish)), usage, "terroir", Responses.Timings.of(stats)),
                        cited) : chat
                        ? new Responses.ChatCompletion(id, "chat.completion", created, call.model(),
                                List.of(new Responses.ChatChoice(0, Responses.message(stats.text(), calls),
                                        Responses.logprobs(stats.logprobs(), call.logprobs() >= 0), finish)),
                                usage, "terroir", Responses.Timings.of(stats))
                        : withTimings(new Responses.TextCompletion(id, "text_completion", created, call.model(),
                                List.of(new Responses.TextChoice(stats.text(), 0,
                                        LegacyLogprobs.of(stats.logprobs(), call.logprobs()), finish)), usage),
                                stats));
            }
        }
    }

    /**
     * Waits for a generation whose answer is sent at the end, and notices a client that went away: after
     * {@value #PROBE_MILLIS} ms, and then as often, one space is written (JSON may begin with white space). A client
     * that left makes the write fail, and its generation is cancelled at once instead of running to the end and holding
     * the model. Null when the client left.
     */
    public static GenerationStats awaitWatching(Generation generation, HttpServletResponse response) {
        CompletableFuture<GenerationStats> result = generation.result();
        while (true) {
            try {
                return result.get(PROBE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                try {
                    if (!response.isCommitted()) {
                        response.setStatus(200);
                        response.setContentType("application/json");
                        response.setCharacterEncoding("UTF-8");
                    }
                    response.getOutputStream().write(' ');
                    response.flushBuffer();
                } catch (IOException | RuntimeException gone) {
                    generation.cancel();
                    LOG.log(System.Logger.Level.DEBUG, "client left, its generation is cancelled");
                    return null;
                }
            } catch (ExecutionException e) {
                throw fromGeneration(e.getCause() == null ? e : e.getCause());
            } catch (InterruptedException e) {
                generation.cancel();
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** The calls a reply carries: all of them, or only the first when {@code parallel_tool_calls} is false. */
    static List<ToolCall> allowedCalls(Requests.Completion call, List<ToolCall> calls) {
        return call.parallelToolCalls() || calls.size() <= 1 ? calls : calls.subList(0, 1);
    }

    /** A listener that puts text pieces and tool calls, in their order, on one queue. */
    public static TokenListener queueing(BlockingQueue<Object> queue) {
        return new TokenListener() {
            @Override
            public void onToken(String text) {
                queue.add(text);
            }

            @Override
            public void onToolCall(ToolCall call) {
                queue.add(call);
            }
        };
    }

    private void stream(LoadedModel model, GenerationRequest request, Requests.Completion call, boolean chat,
            String id, long created, HttpServletResponse response) throws IOException {
        BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
        Generation generation = model.generate(request, queueing(pieces));
        int toolIndex = 0;
        CompletableFuture<GenerationStats> result = generation.result();
        Sse sse = null;
        try (TimeLimit limit = TimeLimit.of(generation::cancel, api.maxGenerationSeconds())) {
            sse = new Sse(response);
            if (chat) {
                sse.data(chunk(id, created, call, new Responses.Delta("assistant", ""), null, null));
                List<org.terroir.api.chat.Citation> cited = CITATIONS.get();
                if (cited != null) {
                    // Terroir's extension: one chunk without choices that names the passages the answer cites.
                    JsonObject c = new JsonObject();
                    c.addProperty("id", id);
                    c.addProperty("object", "chat.completion.chunk");
                    c.addProperty("created", created);
                    c.addProperty("model", call.model());
                    c.add("choices", new JsonArray());
                    c.add("terroir_citations", DocumentsExtension.json(cited));
                    sse.data(Json.OPENAI.toJson(c));
                }
            }
            Pacing pacing = new Pacing();
            while (true) {
                Object next = pieces.poll(100, TimeUnit.MILLISECONDS);
                if (next == null && result.isDone() && pieces.isEmpty()) {
                    break;
                }
                if (next instanceof ToolCall toolCall) {
                    if (chat && (toolIndex == 0 || call.parallelToolCalls())) {
                        // The call arrives whole (parsed by the backend): one delta with its id, name and arguments.
                        JsonObject delta = new JsonObject();
                        JsonArray calls = new JsonArray();
                        calls.add(Responses.toolCall(toolCall, toolIndex));
                        delta.add("tool_calls", calls);
                        sse.data(chunk(id, created, call, delta, null, null));
                        pacing.wrote();
                    }
                    toolIndex++;
                    continue;
                }
                if (next instanceof String piece) {
                    pacing.awaitTurn(result);
                    String text = piece + drainText(pieces);
                    sse.data(chat ? chunk(id, created, call, new Responses.Delta(null, text), null, null)
                            : textChunk(id, created, call, text, null, null));
                    pacing.wrote();
                }
            }
            GenerationStats stats = await(generation);
            String finish = limit.reached() ? "length" : Responses.finishReason(stats.finishReason());
            // llama-server's timings ride on the chunk that carries the finish reason.
            sse.data(Json.OPENAI.toJson(withTimings(chat
                    ? new Responses.ChatChunk(id, "chat.completion.chunk", created, call.model(),
                            // Log probabilities, when asked, come whole on this chunk (the engine gives them at the end).
                            List.of(new Responses.ChunkChoice(0, new Responses.Delta(null, null),
                                    call.logprobs() >= 0 ? Responses.logprobs(stats.logprobs(), true) : null, finish)),
                            null, "terroir")
                    : new Responses.TextCompletion(id, "text_completion", created, call.model(),
                            // legacy log probabilities, when asked, come whole on this chunk too
                            List.of(new Responses.TextChoice("", 0, call.logprobs() >= 0
                                    ? LegacyLogprobs.of(stats.logprobs(), call.logprobs()) : null, finish)), null),
                            stats)));
            if (call.includeUsage()) {
                JsonObject usage = Responses.usage(stats);
                sse.data(Json.OPENAI.toJson(new Responses.ChatChunk(id,
                        chat ? "chat.completion.chunk" : "text_completion", created, call.model(), List.of(), usage,
                        "terroir")));
            }
            sse.done();
        } catch (IOException e) {
            // The client went away: nobody will read the rest.
            generation.cancel();
            LOG.log(System.Logger.Level.DEBUG, "client left, generation {0} cancelled", id);
        } catch (InterruptedException e) {
            generation.cancel();
            Thread.currentThread().interrupt();
        } catch (ApiError e) {
            generation.cancel();
            if (sse == null || !response.isCommitted()) {
                throw e;
            }
            // Headers are gone: the error travels as one more event, as OpenAI does mid-stream.
            try {
                sse.data(Json.OPENAI.toJson(e.body()));
            } catch (IOException gone) {
                // Nothing more to tell anyone.
            }
        }
    }

    /** The text pieces at the head of the queue (a tool call after them stays for its own chunk). */
    public static String drainText(BlockingQueue<Object> pieces) {
        StringBuilder more = new StringBuilder();
        while (pieces.peek() instanceof String) {
            more.append((String) pieces.poll());
        }
        return more.toString();
    }

    private String chunk(String id, long created, Requests.Completion call, Object delta, String finish,
            Object usage) {
        return Json.OPENAI.toJson(new Responses.ChatChunk(id, "chat.completion.chunk", created, call.model(),
                List.of(new Responses.ChunkChoice(0, delta, null, finish)), usage, "terroir"));
    }

    private String textChunk(String id, long created, Requests.Completion call, String text, String finish,
            Object usage) {
        return Json.OPENAI.toJson(new Responses.TextCompletion(id, "text_completion", created, call.model(),
                List.of(new Responses.TextChoice(text, 0, null, finish)), usage));
    }

    /** The object with llama-server's {@code timings} added (only the last chunk has them: no null in the others). */
    private static com.google.gson.JsonElement withTimings(Object value, GenerationStats stats) {
        JsonObject tree = Json.OPENAI.toJsonTree(value).getAsJsonObject();
        tree.add("timings", Json.OPENAI.toJsonTree(Responses.Timings.of(stats)));
        return tree;
    }

    /** The prompt's tokens as the model counts them (the chat template's own tokens estimated). */
    private static int promptTokens(LoadedModel model, Requests.Completion call) {
        return promptTokens(model, call.messages(), call.prompt());
    }

    /**
     * The tokens of a prompt (when not null) or of chat messages, the chat template's own estimated; counting stops
     * once the context is full.
     */
    public static int promptTokens(LoadedModel model, List<ChatMessage> messages, String prompt) {
        if (prompt != null) {
            return model.tokenize(prompt).length;
        }
        int total = 0;
        for (ChatMessage message : messages) {
            if (total >= model.contextLength()) {
                // Already too long: the rest need not be counted (100 000 messages would take seconds).
                return total;
            }
            total += model.tokenize(message.content()).length + TEMPLATE_TOKENS_PER_MESSAGE;
        }
        return total;
    }

    public static ApiError contextExceeded(int promptTokens, int context) {
        return ApiError.badRequest("context_length_exceeded", "messages",
                Texts.get("error.context", promptTokens, context));
    }

    private static GenerationStats await(Generation generation) {
        try {
            return generation.result().join();
        } catch (CompletionException e) {
            throw fromGeneration(e.getCause() == null ? e : e.getCause());
        }
    }

    /** A failed generation as an API error: its kind decides (see {@link ErrorKinds}), never its code's text. */
    public static ApiError fromGeneration(Throwable failure) {
        if (failure instanceof ApiError e) {
            return e;
        }
        if (failure instanceof TerroirException t) {
            return switch (ErrorKinds.of(t.kind()).status()) {
                case 400, 404, 422 -> ErrorKinds.toApiError(t, t.kind() == ErrorKind.PROMPT_TOO_LONG ? "messages"
                        : null, ApiError.shortMessage(t.getMessage()));
                default -> ErrorKinds.toApiError(t, null,
                        Texts.get("error.generation.failed", ApiError.shortMessage(t.getMessage())));
            };
        }
        LOG.log(System.Logger.Level.WARNING, "generation failed", failure);
        return new ApiError(500, "server_error", "internal_error", null,
                Texts.get("error.generation.failed", ApiError.shortMessage(failure.getMessage())));
    }

    private void embeddings(Requests.Embedding call, HttpServletResponse response) throws IOException {
        try (Capacity.Slot slot = api.slot()) {
            ApiCalls.Embedded embedded = ApiCalls.embed(access().forEmbeddings(call.model()), call.input());
            List<float[]> vectors = embedded.vectors();
            int tokens = embedded.tokens();
            List<Responses.EmbeddingData> data = new ArrayList<>();
            for (int i = 0; i < vectors.size(); i++) {
                data.add(new Responses.EmbeddingData("embedding", i,
                        call.base64() ? base64(vectors.get(i)) : vectors.get(i)));
            }
            writeJson(response, new Responses.EmbeddingList("list", data, call.model(),
                    new Responses.EmbeddingUsage(tokens, tokens)));
        }
    }

    /** OpenAI's base64 encoding: the float32 values, little-endian. */
    static String base64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    private ModelAccess access() {
        return api.access();
    }

    private static JsonObject withCitations(Object completion, List<org.terroir.api.chat.Citation> cited) {
        JsonObject o = Json.OPENAI.toJsonTree(completion).getAsJsonObject();
        o.add("terroir_citations", DocumentsExtension.json(cited));
        return o;
    }

    /** {@code POST /v1/terroir/documents} {"collection","name","data"}: the file added to the collection (created). */
    private Object addDocument(HttpServletRequest request) {
        try {
            java.util.Locale reader = org.terroir.web.internal.Texts.of(request);
            org.terroir.api.chat.ChatDocuments docs = documents();
            JsonObject body = org.terroir.web.internal.ui.DocumentRoutes.body(request, org.terroir.web.internal.ui.DocumentRoutes.MAX_BODY_BYTES, reader);
            String collection = org.terroir.web.internal.ui.DocumentRoutes.string(body, "collection", true, reader);
            docs.createCollection(collection);
            try (org.terroir.web.internal.ui.DocumentRoutes.Upload upload =
                    org.terroir.web.internal.ui.DocumentRoutes.upload(body, reader)) {
                return org.terroir.web.internal.ui.DocumentRoutes.view(docs.addToCollection(collection, upload.file()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code GET /v1/terroir/documents?collection=}: its documents; without it, the collections. */
    private Object listDocuments(HttpServletRequest request) {
        org.terroir.api.chat.ChatDocuments docs = documents();
        String collection = request.getParameter("collection");
        if (collection == null || collection.isBlank()) {
            return java.util.Map.of("collections", docs.collections().stream()
                    .map(org.terroir.web.internal.ui.DocumentRoutes::view).toList());
        }
        return java.util.Map.of("collection", collection, "documents", docs.collectionDocuments(collection).stream()
                .map(org.terroir.web.internal.ui.DocumentRoutes::view).toList());
    }

    private org.terroir.api.chat.ChatDocuments documents() {
        org.terroir.api.chat.ChatDocuments docs = chatDocuments;
        if (docs == null) {
            throw new ApiError(503, "server_error", "service_unavailable", null,
                    Texts.get("error.service.missing", "chat (documents)"));
        }
        return docs;
    }

    private static void writeJson(HttpServletResponse response, Object body) throws IOException {
        ApiCalls.writeJson(response, body);
    }
}

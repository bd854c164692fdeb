package org.terroir.web.internal.ollama;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.api.inference.ToolCall;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.Capacity;
import org.terroir.web.internal.http.TimeLimit;
import org.terroir.web.internal.openai.ApiCalls;
import org.terroir.web.internal.openai.ApiServices;
import org.terroir.web.internal.openai.Fields;
import org.terroir.web.internal.openai.ModelAccess;
import org.terroir.web.internal.openai.OpenAiServlet;
import org.terroir.web.internal.openai.Pacing;

import com.google.gson.JsonObject;

/**
 * Ollama's API at a base URL of its own, {@code /ollama} (point an Ollama-only tool at
 * {@code http://127.0.0.1:8181/ollama}): {@code GET /api/version | tags | ps}, {@code POST /api/show | chat | generate |
 * embed | embeddings}, with Ollama's field names, NDJSON streaming and its error object {@code {"error":"…"}}. Models are
 * the same as {@code /v1}'s, under the same stable names; fields Terroir cannot honour are refused with a 400 naming
 * them. Behind the same guard as every path.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/ollama/*")
public class OllamaServlet extends HttpServlet {
    /** The Ollama API version this imitates (tools check it against a minimum). */
    static final String VERSION = "0.9.0";
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(OllamaServlet.class.getName());

    @Reference
    private transient ApiServices api;


    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String method = request.getMethod();
        ApiCalls.serve(request, response, OllamaServlet::errorBody, () -> {
            switch (method + " " + path) {
                case "GET /", "HEAD /" -> {
                    // Ollama's own answer at its root: tools probe it to see whether a server is there.
                    response.setStatus(200);
                    response.setContentType("text/plain;charset=utf-8");
                    response.getOutputStream().write("Ollama is running".getBytes(StandardCharsets.UTF_8));
                }
                case "GET /api/version" -> writeJson(response, Map.of("version", VERSION));
                case "GET /api/tags" -> writeJson(response, Map.of("models", tags()));
                case "GET /api/ps" -> writeJson(response, Map.of("models", ps()));
                case "POST /api/show" -> writeJson(response, show(body(request)));
                case "POST /api/chat" -> chat(body(request), response);
                case "POST /api/generate" -> generate(body(request), response);
                case "POST /api/embed" -> embed(body(request), response, false);
                case "POST /api/embeddings" -> embed(body(request), response, true);
                default -> throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                        Texts.get("error.url", method, request.getRequestURI()));
            }
        });
    }

    private JsonObject body(HttpServletRequest request) throws IOException {
        return api.body(request);
    }

    private ModelAccess access() {
        return api.access();
    }

    // --- models ---

    private List<Map<String, Object>> tags() {
        List<Map<String, Object>> models = new ArrayList<>();
        for (ModelAccess.Listed m : access().list()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", m.id());
            entry.put("model", m.id());
            entry.put("modified_at", Instant.ofEpochSecond(m.created()).toString());
            entry.put("size", size(m));
            entry.put("digest", digest(m));
            entry.put("details", details(m, m.loaded() == null ? null : m.loaded().descriptor()));
            models.add(entry);
        }
        return models;
    }

    private List<Map<String, Object>> ps() {
        List<Map<String, Object>> models = new ArrayList<>();
        for (ModelAccess.Listed m : access().list()) {
            LoadedModelInfo info = m.loaded();
            if (info == null) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", m.id());
            entry.put("model", m.id());
            entry.put("size", size(m));
            entry.put("digest", digest(m));
            entry.put("details", details(m, info.descriptor()));
            // The runtime's default idle unload (30 minutes) after the last use; its configuration may differ.
            entry.put("expires_at", info.lastUsed().plus(Duration.ofMinutes(30)).toString());
            entry.put("size_vram", 0);
            entry.put("context_length", info.contextLength());
            models.add(entry);
        }
        return models;
    }

    private Map<String, Object> show(JsonObject body) {
        String name = modelName(body);
        ModelAccess.Listed m = access().describe(name).orElseThrow(() -> ModelAccess.notFound(name));
        ModelDescriptor descriptor = m.loaded() != null ? m.loaded().descriptor() : describe(m);
        Map<String, Object> show = new LinkedHashMap<>();
        show.put("modelfile", "");
        show.put("parameters", "");
        String template = descriptor == null ? null : descriptor.properties().get(ModelDescriptor.CHAT_TEMPLATE_TEXT);
        show.put("template", template == null ? "" : template);
        show.put("details", details(m, descriptor));
        Map<String, Object> info = new LinkedHashMap<>();
        String arch = architecture(m, descriptor);
        if (arch != null) {
            info.put("general.architecture", arch);
        }
        if (descriptor != null) {
            String parameters = descriptor.properties().get(ModelDescriptor.PARAMETERS);
            if (parameters != null && parameters.matches("\\d+")) {
                info.put("general.parameter_count", Long.parseLong(parameters));
            }
            String context = descriptor.properties().get(ModelDescriptor.CONTEXT_LENGTH);
            if (arch != null && context != null && context.matches("\\d+")) {
                info.put(arch + ".context_length", Long.parseLong(context));
            }
            String embedding = descriptor.properties().get(ModelDescriptor.EMBEDDING_LENGTH);
            if (arch != null && embedding != null && embedding.matches("\\d+")) {
                info.put(arch + ".embedding_length", Long.parseLong(embedding));
            }
        }
        show.put("model_info", info);
        // As Ollama tells them: "tools" when the model's own template takes tools (clients offer tools only then).
        show.put("capabilities", template != null && template.contains("tools") ? List.of("completion", "tools")
                : List.of("completion"));
        show.put("modified_at", Instant.ofEpochSecond(m.created()).toString());
        return show;
    }

    /** The metadata of a model that is not loaded (read from its file, not loaded), or null when unreadable. */
    private ModelDescriptor describe(ModelAccess.Listed m) {
        try {
            return api.manager().describe(m.path().toString());
        } catch (TerroirException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot describe " + m.id() + ": " + e.getMessage());
            return null;
        }
    }

    private static Map<String, Object> details(ModelAccess.Listed m, ModelDescriptor descriptor) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("parent_model", "");
        details.put("format", format(m, descriptor));
        String arch = architecture(m, descriptor);
        details.put("family", arch == null ? "" : arch);
        details.put("families", arch == null ? null : List.of(arch));
        String parameters = descriptor == null ? null : descriptor.properties().get(ModelDescriptor.PARAMETERS);
        details.put("parameter_size", parameters == null ? "" : parameterSize(parameters));
        String quantization = m.library() != null ? m.library().quantization()
                : descriptor == null ? null : descriptor.properties().get(ModelDescriptor.QUANTIZATION);
        details.put("quantization_level", quantization == null ? "" : quantization);
        return details;
    }

    private static String format(ModelAccess.Listed m, ModelDescriptor descriptor) {
        Object format = m.library() != null ? m.library().format() : descriptor == null ? null : descriptor.format();
        return format == null ? "" : format.toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String architecture(ModelAccess.Listed m, ModelDescriptor descriptor) {
        if (m.library() != null && m.library().architecture() != null) {
            return m.library().architecture();
        }
        return descriptor == null ? null : descriptor.properties().get(ModelDescriptor.ARCHITECTURE);
    }

    /** Ollama's way of writing a parameter count: "7.6B", "494.03M". */
    static String parameterSize(String parameters) {
        try {
            double n = Double.parseDouble(parameters);
            return n >= 1e9 ? String.format(java.util.Locale.ROOT, "%.1fB", n / 1e9)
                    : String.format(java.util.Locale.ROOT, "%.2fM", n / 1e6);
        } catch (NumberFormatException e) {
            return parameters;
        }
    }

    private static long size(ModelAccess.Listed m) {
        return m.library() != null ? m.library().sizeBytes() : m.loaded().descriptor().sizeBytes();
    }

    /**
     * A stable identifier in Ollama's digest form: SHA-256 of the file's path, size and date (hashing gigabytes for a
     * listing would take minutes); not the hash of the file's contents.
     */
    private static String digest(ModelAccess.Listed m) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String key = m.path() + "\n" + size(m) + "\n" + m.created();
            return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code model}, or the older {@code name}. */
    private static String modelName(JsonObject body) {
        if (!Fields.present(body, "model") && Fields.present(body, "name")) {
            return Fields.requiredString(body, "name");
        }
        return Fields.requiredString(body, "model");
    }

    // --- generation ---

    private void chat(JsonObject body, HttpServletResponse response) throws IOException {
        OllamaRequests.Call call = OllamaRequests.chat(body);
        run(call, true, response);
    }

    private void generate(JsonObject body, HttpServletResponse response) throws IOException {
        OllamaRequests.Call call = OllamaRequests.generate(body);
        if (call.prompt() != null && call.prompt().isEmpty() && call.messages().isEmpty()) {
            // Ollama's way to load (or, with keep_alive 0, unload) a model: an empty prompt.
            String reason = "load";
            if (call.unload()) {
                access().describe(call.model()).map(ModelAccess.Listed::loaded)
                        .ifPresent(info -> api.manager().unload(info.id()));
                reason = "unload";
            } else {
                try (Capacity.Slot slot = api.slot()) {
                    access().forGeneration(call.model());
                }
            }
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("model", call.model());
            done.put("created_at", Instant.now().toString());
            done.put("response", "");
            done.put("done", true);
            done.put("done_reason", reason);
            writeJson(response, done);
            return;
        }
        run(call, false, response);
    }

    private void run(OllamaRequests.Call call, boolean chat, HttpServletResponse response) throws IOException {
        try (Capacity.Slot slot = api.slot()) {
            long loadStart = System.nanoTime();
            LoadedModel model = access().forGeneration(call.model());
            long loadNanos = System.nanoTime() - loadStart;
            int promptTokens = OpenAiServlet.promptTokens(model, call.messages(), call.raw() ? call.prompt() : null);
            if (promptTokens >= model.contextLength()) {
                throw OpenAiServlet.contextExceeded(promptTokens, model.contextLength());
            }
            int maxTokens = call.maxTokens() == null ? model.contextLength() : call.maxTokens();
            GenerationRequest request = call.apply(call.raw()
                    ? GenerationRequest.completion(call.prompt(), call.sampling().withMaxTokens(maxTokens))
                    : GenerationRequest.chat(call.messages(), call.sampling().withMaxTokens(maxTokens)));
            if (call.stream()) {
                stream(model, request, call, chat, loadNanos, response);
                return;
            }
            Generation generation = model.generate(request, text -> {
            });
            GenerationStats stats;
            boolean limited;
            try (TimeLimit limit = TimeLimit.of(generation::cancel, api.maxGenerationSeconds())) {
                stats = OpenAiServlet.awaitWatching(generation, response);
                limited = limit.reached();
            } catch (ApiError e) {
                if (!response.isCommitted()) {
                    throw e;
                }
                response.getOutputStream().write(Json.OPENAI.toJson(errorBody(e)).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (stats == null) {
                return; // the client left
            }
            Map<String, Object> done = last(call, chat, stats.text(), stats, limited, loadNanos);
            if (chat && !stats.toolCalls().isEmpty()) {
                done.put("message", message(stats.text(), stats.toolCalls()));
            }
            writeJson(response, done);
        }
    }

    private void stream(LoadedModel model, GenerationRequest request, OllamaRequests.Call call, boolean chat,
            long loadNanos, HttpServletResponse response) throws IOException {
        BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
        Generation generation = model.generate(request, OpenAiServlet.queueing(pieces));
        CompletableFuture<GenerationStats> result = generation.result();
        OutputStream out = null;
        try (TimeLimit limit = TimeLimit.of(generation::cancel, api.maxGenerationSeconds())) {
            response.setStatus(200);
            response.setContentType("application/x-ndjson");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            out = response.getOutputStream();
            Pacing pacing = new Pacing();
            while (true) {
                Object next = pieces.poll(100, TimeUnit.MILLISECONDS);
                if (next == null && result.isDone() && pieces.isEmpty()) {
                    break;
                }
                if (next instanceof ToolCall toolCall) {
                    // Ollama streams a tool call as a message of its own, content empty.
                    Map<String, Object> chunk = partial(call, chat, "");
                    chunk.put("message", message("", List.of(toolCall)));
                    line(out, chunk);
                    pacing.wrote();
                    continue;
                }
                if (next instanceof String piece) {
                    pacing.awaitTurn(result);
                    pacing.wrote();
                    line(out, partial(call, chat, piece + OpenAiServlet.drainText(pieces)));
                }
            }
            GenerationStats stats;
            try {
                stats = result.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw OpenAiServlet.fromGeneration(e.getCause() == null ? e : e.getCause());
            }
            line(out, last(call, chat, "", stats, limit.reached(), loadNanos));
        } catch (IOException e) {
            generation.cancel();
            LOG.log(System.Logger.Level.DEBUG, "client left, its generation is cancelled");
        } catch (InterruptedException e) {
            generation.cancel();
            Thread.currentThread().interrupt();
        } catch (ApiError e) {
            generation.cancel();
            if (out == null || !response.isCommitted()) {
                throw e;
            }
            // Headers are gone: the error is one more line, as Ollama does mid-stream.
            try {
                line(out, errorBody(e));
            } catch (IOException gone) {
                // Nobody is reading.
            }
        }
    }

    private static void line(OutputStream out, Object value) throws IOException {
        out.write((Json.OPENAI.toJson(value) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ollama's message with tool calls: {@code tool_calls: [{function: {name, arguments: {...}}}]}. */
    static Map<String, Object> message(String text, List<ToolCall> calls) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "assistant");
        m.put("content", text);
        List<Map<String, Object>> list = new ArrayList<>();
        for (ToolCall c : calls) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", c.name());
            f.put("arguments", com.google.gson.JsonParser.parseString(c.argumentsJson()));
            list.add(Map.of("function", f));
        }
        m.put("tool_calls", list);
        return m;
    }

    private static Map<String, Object> partial(OllamaRequests.Call call, boolean chat, String text) {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("model", call.model());
        chunk.put("created_at", Instant.now().toString());
        if (chat) {
            chunk.put("message", Map.of("role", "assistant", "content", text));
        } else {
            chunk.put("response", text);
        }
        chunk.put("done", false);
        return chunk;
    }

    /** The last object: what remains of the text, and the statistics in nanoseconds, as Ollama gives them. */
    private static Map<String, Object> last(OllamaRequests.Call call, boolean chat, String text,
            GenerationStats stats, boolean limited, long loadNanos) {
        Map<String, Object> done = partial(call, chat, text);
        done.put("done", true);
        boolean length = limited || stats.finishReason() == FinishReason.LENGTH
                || stats.finishReason() == FinishReason.CONTEXT_FULL;
        done.put("done_reason", length ? "length" : "stop");
        long ttft = Math.round(Math.max(0, stats.timeToFirstTokenMs()) * 1e6);
        long total = Math.round(Math.max(0, stats.totalMs()) * 1e6);
        done.put("total_duration", total + loadNanos);
        done.put("load_duration", loadNanos);
        done.put("prompt_eval_count", stats.promptTokens());
        done.put("prompt_eval_duration", ttft);
        done.put("eval_count", stats.generatedTokens());
        done.put("eval_duration", Math.max(0, total - ttft));
        if (call.logprobs() >= 0) {
            // every token's, on the last object (the engine gives them at the end)
            done.put("logprobs", org.terroir.web.internal.openai.LogprobsJson.content(stats.logprobs()));
        }
        return done;
    }

    // --- embeddings ---

    private void embed(JsonObject body, HttpServletResponse response, boolean legacy) throws IOException {
        OllamaRequests.Embed call = OllamaRequests.embed(body, legacy);
        try (Capacity.Slot slot = api.slot()) {
            long start = System.nanoTime();
            LoadedModel model = access().forEmbeddings(call.model());
            long loadNanos = System.nanoTime() - start;
            ApiCalls.Embedded embedded = ApiCalls.embed(model, call.input());
            List<float[]> vectors = embedded.vectors();
            int tokens = embedded.tokens();
            Map<String, Object> answer = new LinkedHashMap<>();
            if (legacy) {
                answer.put("embedding", vectors.isEmpty() ? new float[0] : vectors.get(0));
            } else {
                answer.put("model", call.model());
                answer.put("embeddings", vectors);
                answer.put("total_duration", System.nanoTime() - start);
                answer.put("load_duration", loadNanos);
                answer.put("prompt_eval_count", tokens);
            }
            writeJson(response, answer);
        }
    }

    // --- writing ---

    private static void writeJson(HttpServletResponse response, Object body) throws IOException {
        ApiCalls.writeJson(response, body);
    }

    /** Ollama's error object: {@code {"error":"message"}}. */
    static Map<String, Object> errorBody(ApiError e) {
        return Map.of("error", e.getMessage() == null ? "" : e.getMessage());
    }

}

package org.terroir.web.internal.ui;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.Download;
import org.terroir.api.catalog.DownloadProgress;
import org.terroir.api.catalog.Downloader;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatReply;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.ChatTurn;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.web.WebServer;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.WebConfig;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.BoundedBody;
import org.terroir.web.internal.http.Sse;
import org.terroir.web.internal.http.TimeLimit;
import org.terroir.web.internal.openai.ModelAccess;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The page's JSON API under {@code /api/}: the machine, the catalogs, downloads (kept here, so that a reloaded page
 * finds them), the library, loaded models and the conversations of the chat service, whose answers stream as
 * server-sent events. Services that are absent answer 503 with the name of what is missing.
 */
@Component(service = Servlet.class, configurationPid = WebConfig.PID)
@HttpWhiteboardServletPattern("/api/*")
public class UiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(UiServlet.class.getName());

    @Reference
    private transient ModelManager manager;
    @Reference
    private transient WebServer server;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile HardwareAdvisor advisor;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ModelLibrary library;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile Downloader downloader;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ChatService chat;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile List<ModelCatalog> catalogs;

    /** Downloads started from the page, finished ones included, by {@code repo/file}. */
    private final transient Map<String, Download> downloads = new ConcurrentHashMap<>();
    private transient WebConfig config;

    @Activate
    void activate(WebConfig config) {
        this.config = config;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String[] parts = path.substring(1).split("/");
        Locale locale = "fr".equals(request.getParameter("lang")) ? Locale.FRENCH : Locale.ENGLISH;
        try {
            Object answer = route(request.getMethod(), parts, request, response, locale);
            if (answer != null) {
                response.setStatus(200);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Cache-Control", "no-store");
                response.getWriter().write(Json.UI.toJson(answer));
            }
        } catch (ApiError e) {
            e.write(response);
        } catch (TerroirException e) {
            new ApiError(e.code() != null && e.code().endsWith("unknown") ? 404 : 400, "invalid_request_error",
                    e.code(), null, ApiError.shortMessage(e.getMessage())).write(response);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "page request failed: " + path, e);
            new ApiError(500, "server_error", "internal_error", null, ApiError.shortMessage(e.getMessage()))
                    .write(response);
        }
    }

    /** The answer to serialize, or null when the response was written (a stream). */
    private Object route(String method, String[] p, HttpServletRequest request, HttpServletResponse response,
            Locale locale) throws IOException {
        String what = method + " " + p[0];
        switch (what) {
            case "GET status":
                return server.status();
            case "GET machine":
                return machine(locale);
            case "GET catalog":
                return catalog(request.getParameter("q"), request.getParameter("catalog"));
            case "GET repo":
                return catalogs().stream().filter(c -> c.id().equals(param(request, "catalog", "huggingface")))
                        .findFirst().orElseThrow(() -> missing("catalog"))
                        .describe(required(request.getParameter("repo"), "repo"), true);
            case "GET downloads":
                return downloads();
            case "POST downloads":
                return startDownload(body(request));
            case "POST downloads-cancel":
                return cancelDownload(body(request));
            case "GET library":
                return need(library, "catalog (ModelLibrary)").list();
            case "POST library-remove":
                return Map.of("removed", need(library, "catalog (ModelLibrary)").remove(text(body(request), "ref")));
            case "GET models":
                return manager.loaded();
            case "POST models-load":
                return load(body(request));
            case "POST models-unload":
                return Map.of("unloaded", manager.unload(text(body(request), "id")));
            case "GET presets":
                return need(chat, "chat").presets(locale);
            case "GET conversations":
                return p.length > 1 ? conversation(p[1]) : need(chat, "chat").list();
            case "POST conversations":
                return p.length > 2 ? conversationAction(p[1], p[2], request, response) : create(body(request));
            case "DELETE conversations":
                return Map.of("deleted", need(chat, "chat").delete(p.length > 1 ? p[1] : ""));
            default:
                throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                        Texts.get("error.url", method, request.getRequestURI()));
        }
    }

    private Map<String, Object> machine(Locale locale) {
        HardwareAdvisor a = need(advisor, "hardware");
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("profile", a.profile());
        machine.put("tier", a.tier());
        machine.put("advice", a.advice(locale));
        return machine;
    }

    private List<ModelCatalog> catalogs() {
        List<ModelCatalog> list = catalogs;
        return list == null ? List.of() : list;
    }

    private Object catalog(String text, String id) {
        String wanted = id == null || id.isBlank() ? "starter" : id;
        ModelCatalog catalog = catalogs().stream().filter(c -> c.id().equals(wanted)).findFirst()
                .orElseThrow(() -> missing("catalog " + wanted));
        return catalog.search(new SearchQuery(text, null, 30, null, true));
    }

    private List<DownloadProgress> downloads() {
        Map<String, DownloadProgress> all = new LinkedHashMap<>();
        downloads.forEach((key, d) -> all.put(key, d.progress()));
        Downloader d = downloader;
        if (d != null) {
            for (Download active : d.active()) {
                all.put(active.repo() + "/" + active.file(), active.progress());
            }
        }
        return new ArrayList<>(all.values());
    }

    private DownloadProgress startDownload(JsonObject body) {
        String repo = text(body, "repo");
        String file = text(body, "file");
        Download download = need(downloader, "catalog (Downloader)").download(repo, file, null);
        downloads.put(repo + "/" + file, download);
        return download.progress();
    }

    private Map<String, Object> cancelDownload(JsonObject body) {
        Download d = downloads.get(text(body, "repo") + "/" + text(body, "file"));
        if (d != null) {
            d.cancel();
        }
        return Map.of("cancelled", d != null);
    }

    private Object load(JsonObject body) {
        String ref = text(body, "ref");
        LoadOptions options = LoadOptions.defaults();
        if (body.has("contextLength") && body.get("contextLength").isJsonPrimitive()) {
            options = options.withContextLength(body.get("contextLength").getAsInt());
        }
        // Library models only: the page, like the API, does not open arbitrary files.
        ModelLibrary lib = need(library, "catalog (ModelLibrary)");
        LibraryModel model = lib.find(ref).orElseThrow(() -> new ApiError(404, "invalid_request_error",
                "model_not_found", "ref", Texts.get("error.model.unknown", ref)));
        manager.load(model.path().toString(), options);
        return manager.loaded();
    }

    private Object conversation(String id) {
        ChatService c = need(chat, "chat");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("conversation", c.get(id).orElseThrow(() -> new ApiError(404, "invalid_request_error",
                "chat.conversation.unknown", null, Texts.get("error.notFound", id))));
        answer.put("messages", c.messages(id));
        return answer;
    }

    private Object create(JsonObject body) {
        return need(chat, "chat").create(settings(body));
    }

    /** The settings of a body; a model must be loaded or in the library (a file path only with allowModelPaths). */
    private ConversationSettings settings(JsonObject body) {
        String modelRef = optional(body, "modelRef");
        models().checked(modelRef);
        return new ConversationSettings(optional(body, "title"), modelRef, optional(body, "presetId"),
                optional(body, "systemPrompt"), null);
    }

    private ModelAccess models() {
        return new ModelAccess(manager, library, config.allowModelPaths());
    }

    private Object conversationAction(String id, String action, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        ChatService c = need(chat, "chat");
        switch (action) {
            case "update":
                JsonObject body = body(request);
                if (body.has("title") && !body.get("title").isJsonNull()) {
                    c.rename(id, text(body, "title"));
                }
                return c.update(id, settings(body));
            case "stop":
                return Map.of("stopped", c.stop(id));
            case "send":
                String message = text(body(request), "text");
                // A conversation stored with another model name (an older one, or the shell's) is checked too.
                c.get(id).ifPresent(conversation -> models().checked(conversation.modelRef()));
                send(c, id, message, response);
                return null;
            default:
                throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                        Texts.get("error.url", "POST", request.getRequestURI()));
        }
    }

    /** Streams an answer: {@code token}, {@code trimmed}, then {@code done} with the stored answer or {@code error}. */
    private void send(ChatService c, String id, String text, HttpServletResponse response) throws IOException {
        BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
        ChatTurn turn = c.send(id, text, new ChatListener() {
            @Override
            public void onToken(String piece) {
                events.add(new Object[] { "token", Map.of("text", piece) });
            }

            @Override
            public void onContextTrimmed(int droppedMessages) {
                events.add(new Object[] { "trimmed", Map.of("dropped", droppedMessages) });
            }
        });
        Sse sse = new Sse(response);
        try (TimeLimit limit = TimeLimit.of(turn::cancel, config.maxGenerationSeconds())) {
            sse.event("user", Json.UI.toJson(turn.userMessage()));
            while (true) {
                Object[] event = events.poll(100, TimeUnit.MILLISECONDS);
                if (event != null) {
                    sse.event((String) event[0], Json.UI.toJson(event[1]));
                } else if (turn.result().isDone() && events.isEmpty()) {
                    break;
                }
            }
            try {
                ChatReply reply = turn.await();
                sse.event("done", Json.UI.toJson(reply));
            } catch (RuntimeException e) {
                sse.event("error", Json.UI.toJson(Map.of("message", ApiError.shortMessage(e.getMessage()))));
            }
        } catch (IOException e) {
            // The page went away (closed or reloaded): the answer stops and is stored as it is.
            turn.cancel();
        } catch (InterruptedException e) {
            turn.cancel();
            Thread.currentThread().interrupt();
        }
    }

    private JsonObject body(HttpServletRequest request) throws IOException {
        String text = BoundedBody.read(request.getInputStream(), request.getContentLengthLong(),
                config.maxBodyBytes());
        if (text.isBlank()) {
            return new JsonObject();
        }
        try {
            JsonElement e = JsonParser.parseString(text);
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            // answered below
        }
        throw ApiError.badRequest("invalid_json", null, Texts.get("error.json.object"));
    }

    private static String text(JsonObject body, String name) {
        String value = optional(body, name);
        return required(value, name);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ApiError.badRequest("missing_required_parameter", name, Texts.get("error.field.missing", name));
        }
        return value;
    }

    private static String optional(JsonObject body, String name) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive()) {
            throw ApiError.badRequest("invalid_type", name, Texts.get("error.field.type", name, "string"));
        }
        return e.getAsString();
    }

    private static String param(HttpServletRequest request, String name, String fallback) {
        String v = request.getParameter(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static <T> T need(T service, String name) {
        if (service == null) {
            throw missing(name);
        }
        return service;
    }

    private static ApiError missing(String name) {
        return new ApiError(503, "server_error", "service_unavailable", null,
                Texts.get("error.service.missing", name));
    }
}

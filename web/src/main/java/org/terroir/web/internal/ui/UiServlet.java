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
import org.osgi.service.component.annotations.Modified;
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
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.chat.ExportFormat;
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
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.terroir.api.chat.PresetStore presetStore;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile List<ModelCatalog> catalogs;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.osgi.service.cm.ConfigurationAdmin configurationAdmin;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.terroir.api.web.ApiKeys keys;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.terroir.api.energy.EnergyMeter energyMeter;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.terroir.api.chat.ChatDocuments chatDocuments;

    /** Downloads started from the page, finished ones included, by {@code repo/file}. */
    private final transient Map<String, Download> downloads = new ConcurrentHashMap<>();
    private transient volatile WebConfig config;
    /** The language of the request being served: every text sent to the page follows the page's language. */
    private static final ThreadLocal<Locale> READER = ThreadLocal.withInitial(() -> Locale.ENGLISH);
    /** The page's JSON: answers' energy as the API writes it, the country named in the page's language. */
    private static final com.google.gson.Gson PAGE_JSON = EnergyView.gson(READER::get);

    private transient org.osgi.framework.BundleContext context;

    /** Takes the settings; a change of them keeps the page's API registered. */
    @Activate
    void activate(WebConfig config, org.osgi.framework.BundleContext context) {
        this.context = context;
        configure(config);
    }

    @Modified
    void configure(WebConfig config) {
        this.config = config;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String[] parts = path.substring(1).split("/");
        Locale locale = Texts.of(request);
        READER.set(locale);
        try {
            // Every text a service makes while answering (errors, presets, titles, starters) in the page's language.
            Object answer = org.terroir.api.i18n.Texts.in(locale, () -> {
                try {
                    return route(request.getMethod(), parts, request, response, locale);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (answer != null) {
                response.setStatus(200);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Cache-Control", "no-store");
                response.getWriter().write(PAGE_JSON.toJson(answer));
            }
        } catch (ApiError e) {
            e.write(response);
        } catch (TerroirException e) {
            // Kinds, never code strings, decide the status (the api's typed error contract, as on /v1); a service's
            // error of no particular kind stays a 400 with its words (the page shows them), not a server error.
            org.terroir.web.internal.http.ErrorKinds.Mapping m = org.terroir.web.internal.http.ErrorKinds.of(e.kind());
            int status = e.kind() == org.terroir.api.ErrorKind.INTERNAL ? 400 : m.status();
            new ApiError(status, status >= 500 ? m.type() : "invalid_request_error",
                    e.code(), null, ApiError.shortMessage(e.getMessage())).write(response);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "page request failed: " + path, e);
            new ApiError(500, "server_error", "internal_error", null, ApiError.shortMessage(e.getMessage()))
                    .write(response);
        } finally {
            READER.remove();
        }
    }

    /** One call of the page's API: the request, its response, its path's parts and the reader's language. */
    private record Call(HttpServletRequest request, HttpServletResponse response, String[] path, Locale locale) {
        String param(String name) {
            return request.getParameter(name);
        }

        String sub() {
            return path.length > 1 ? path[1] : "";
        }
    }

    /** A route's handler: the answer to serialize, or null when it wrote the response itself (a stream, a file). */
    @FunctionalInterface
    private interface Handler {
        Object handle(Call call) throws IOException;
    }

    /**
     * The page's API at a glance: "METHOD name" (the first part of the path under /api/) → its handler. One servlet,
     * so that every route shares the guards, the reader's language, the JSON and the error mapping above; a route
     * table rather than JAX-RS, whose whiteboard would add a dozen bundles for these small RPC calls.
     */
    private final Map<String, Handler> routes = Map.ofEntries(
            Map.entry("GET status", c -> server.status()),
            Map.entry("GET settings", c -> settingsView()),
            Map.entry("POST settings", c -> saveSettings(body(c.request()))),
            Map.entry("POST keys-create", c -> org.terroir.web.internal.keys.KeysAdmin.create(
                    need(keys, "web (ApiKeys)"), body(c.request()), c.locale())),
            Map.entry("POST keys-limits", c -> org.terroir.web.internal.keys.KeysAdmin.update(
                    need(keys, "web (ApiKeys)"), body(c.request()), c.locale())),
            Map.entry("POST keys-revoke", c -> Map.of("revoked",
                    need(keys, "web (ApiKeys)").revoke(text(body(c.request()), "id")))),
            Map.entry("GET machine", c -> machine(c.locale())),
            Map.entry("GET energy", c -> EnergyView.overview(energyMeter,
                    org.terroir.web.internal.openai.Responses.carbon(), c.locale(),
                    String.valueOf(or(properties(ENERGY_PID), "country", "")), java.time.LocalDate.now())),
            Map.entry("GET catalog", c -> catalog(c.param("q"), c.param("catalog"))),
            Map.entry("GET repo", c -> catalogs().stream()
                    .filter(cat -> cat.id().equals(param(c.request(), "catalog", "huggingface"))).findFirst()
                    .orElseThrow(() -> missing("catalog")).describe(required(c.param("repo"), "repo"), true)),
            Map.entry("GET downloads", c -> downloads()),
            Map.entry("POST downloads", c -> startDownload(body(c.request()))),
            Map.entry("POST downloads-cancel", c -> cancelDownload(body(c.request()))),
            Map.entry("POST downloads-remove", c -> removeDownload(body(c.request()))),
            Map.entry("GET search", c -> need(chat, "chat").search(required(c.param("q"), "q"), 30)),
            Map.entry("GET library", c -> need(library, "catalog (ModelLibrary)").list()),
            Map.entry("POST library-import", c -> importFile(text(body(c.request()), "path"))),
            Map.entry("POST library-scan", c -> need(library, "catalog (ModelLibrary)").scan()),
            Map.entry("POST library-remove", c -> Map.of("removed",
                    need(library, "catalog (ModelLibrary)").remove(text(body(c.request()), "ref")))),
            Map.entry("GET models", c -> manager.loaded()),
            Map.entry("GET models-loading", c -> manager.loading()),
            Map.entry("POST models-load", c -> load(body(c.request()))),
            Map.entry("POST models-unload", c -> Map.of("unloaded", manager.unload(text(body(c.request()), "id")))),
            Map.entry("GET presets", c -> PresetRoutes.list(need(chat, "chat"), presetStore, c.locale())),
            Map.entry("POST presets-create", c -> PresetRoutes.create(need(presetStore, "chat (PresetStore)"),
                    body(c.request()), c.locale())),
            Map.entry("POST presets-update", c -> {
                JsonObject b = body(c.request());
                return PresetRoutes.update(need(presetStore, "chat (PresetStore)"), text(b, "id"), b, c.locale());
            }),
            Map.entry("POST presets-delete", c -> Map.of("deleted",
                    need(presetStore, "chat (PresetStore)").delete(text(body(c.request()), "id")))),
            Map.entry("GET presets-export", c -> {
                PresetRoutes.export(need(presetStore, "chat (PresetStore)"), c.param("ids"), c.locale(),
                        c.response());
                return null;
            }),
            Map.entry("POST presets-import", c -> PresetRoutes.importFile(need(presetStore, "chat (PresetStore)"),
                    body(c.request()), c.locale())),
            // conversations, conversations/{id}, conversations/{id}/export, conversations/{id}/{action}
            Map.entry("GET conversations", c -> {
                if (c.path().length > 2 && c.path()[2].equals("export")) {
                    export(c.sub(), c.param("format"), c.response());
                    return null;
                }
                return c.path().length > 1 ? conversation(c.sub()) : need(chat, "chat").list();
            }),
            Map.entry("POST conversations", c -> c.path().length > 2
                    ? conversationAction(c.sub(), c.path()[2], c.request(), c.response()) : create(body(c.request()))),
            Map.entry("DELETE conversations", c -> Map.of("deleted", need(chat, "chat").delete(c.sub()))),
            // documents/{action} and collections/{action}: their own table (DocumentRoutes)
            Map.entry("GET documents", this::documents),
            Map.entry("POST documents", this::documents),
            Map.entry("GET collections", this::documents),
            Map.entry("POST collections", this::documents));

    /** The answer to serialize, or null when the response was written (a stream). */
    private Object route(String method, String[] p, HttpServletRequest request, HttpServletResponse response,
            Locale locale) throws IOException {
        Handler handler = routes.get(method + " " + p[0]);
        if (handler != null) {
            return handler.handle(new Call(request, response, p, locale));
        }
        List<String> allowed = routes.keySet().stream().filter(k -> k.endsWith(" " + p[0]))
                .map(k -> k.substring(0, k.indexOf(' '))).sorted().toList();
        if (!allowed.isEmpty()) {
            // a known route asked with another method: 405, and which methods it takes
            response.setHeader("Allow", String.join(", ", allowed));
            throw new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                    text(READER.get(), "error.method", method, request.getRequestURI(), String.join(", ", allowed)));
        }
        throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                text(READER.get(), "error.url", method, request.getRequestURI()));
    }

    /** The documents routes (see {@link DocumentRoutes}), every service text in the reader's language. */
    private Object documents(Call call) throws IOException {
        String method = call.request().getMethod();
        String[] p = call.path();
        HttpServletRequest request = call.request();
        HttpServletResponse response = call.response();
        Locale locale = call.locale();
        org.terroir.api.chat.ChatDocuments docs = need(chatDocuments, "chat (documents)");
        String what = method + " " + p[0] + (p.length > 1 ? "/" + p[1] : "");
        // service() runs every route in the reader's language already (Texts.in)
        try {
            switch (what) {
                case "GET documents":
                    return DocumentRoutes.list(docs, request, locale);
                case "POST documents/attach":
                    return DocumentRoutes.attach(docs, request, locale);
                case "POST documents/remove":
                    return DocumentRoutes.remove(docs, request, locale);
                case "POST documents/summarize":
                    DocumentRoutes.summarize(docs, request, response, locale, PAGE_JSON,
                            config.maxGenerationSeconds());
                    return null;
                case "GET collections":
                    return DocumentRoutes.collections(docs);
                case "POST collections/create":
                case "POST collections/use":
                    return DocumentRoutes.collectionAction(docs, p[1], request, locale);
                default:
                    throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                            text(locale, "error.url", method, request.getRequestURI()));
            }
        } catch (TerroirException e) {
            DocumentRoutes.write(e, response);
            return null;
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

    // ---- settings: the platform's configuration (ConfigurationAdmin), the same pids as TERROIR_HOME/conf/*.cfg

    private static final String HTTP_PID = "org.apache.felix.http";
    private static final String RUNTIME_PID = "org.terroir.runtime";
    private static final String LLAMACPP_PID = "org.terroir.backend.llamacpp";
    private static final String ENERGY_PID = org.terroir.api.energy.CarbonCalculator.PID;
    /** The page's own choices (no component reads them: the page does, through this API); conf/org.terroir.page.cfg. */
    private static final String PAGE_PID = "org.terroir.page";
    private static final String CATALOG_PID = "org.terroir.catalog";

    /**
     * The models folder a user typed, checked: absolute, made if missing, writable; normalized. Empty (or none): back
     * to TERROIR_HOME/models.
     */
    private static String modelsFolder(String raw) {
        String folder = raw == null ? "" : raw.strip();
        if (folder.isEmpty()) {
            return folder;
        }
        java.nio.file.Path path;
        try {
            path = java.nio.file.Path.of(folder);
        } catch (java.nio.file.InvalidPathException e) {
            path = null;
        }
        if (path == null || !path.isAbsolute()) {
            throw ApiError.badRequest("invalid_value", "modelsFolder",
                    text(READER.get(), "ui.settings.folderAbsolute", folder));
        }
        try {
            java.nio.file.Files.createDirectories(path);
        } catch (IOException | SecurityException e) {
            // refused below, in the same words as a folder that exists but cannot be written
        }
        if (!java.nio.file.Files.isDirectory(path) || !java.nio.file.Files.isWritable(path)) {
            throw ApiError.badRequest("invalid_value", "modelsFolder",
                    text(READER.get(), "ui.settings.folderWritable", folder));
        }
        return path.normalize().toString();
    }

    private java.util.Dictionary<String, Object> properties(String pid) throws IOException {
        java.util.Dictionary<String, Object> p = need(configurationAdmin, "configadmin").getConfiguration(pid, "?")
                .getProperties();
        return p == null ? new java.util.Hashtable<>() : p;
    }

    private static Object or(java.util.Dictionary<String, Object> p, String key, Object fallback) {
        Object v = p.get(key);
        return v == null ? fallback : v;
    }

    private Map<String, Object> settingsView() throws IOException {
        java.util.Dictionary<String, Object> http = properties(HTTP_PID);
        java.util.Dictionary<String, Object> runtime = properties(RUNTIME_PID);
        java.util.Dictionary<String, Object> llama = properties(LLAMACPP_PID);
        Map<String, Object> view = new LinkedHashMap<>();
        // Felix HTTP's configuration wins over the framework's property (the launcher's --port), as Jetty reads them.
        Object port = or(http, "org.osgi.service.http.port", context.getProperty("org.osgi.service.http.port"));
        Object hostProperty = or(http, "org.apache.felix.http.host", context.getProperty("org.apache.felix.http.host"));
        view.put("port", Integer.parseInt(String.valueOf(port != null ? port : config.defaultPort())));
        String host = String.valueOf(hostProperty != null ? hostProperty : config.defaultHost());
        view.put("lanAccess", !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")));
        view.put("threads", Integer.parseInt(String.valueOf(or(llama, "threads", 0))));
        view.put("gpu", String.valueOf(or(llama, "gpuOffload", "auto")));
        view.put("idleUnloadMinutes", Integer.parseInt(String.valueOf(or(runtime, "idleUnloadMinutes", 30))));
        ModelLibrary lib = library;
        view.put("modelsFolder", lib == null ? null : lib.root().toString());
        org.terroir.api.web.ApiKeys k = keys;
        view.put("keys", k == null ? List.of() : org.terroir.web.internal.keys.KeysAdmin.view(k.list()));
        view.put("country", String.valueOf(or(properties(ENERGY_PID), "country", "")));
        // "": each browser follows its own language until one is chosen here
        view.put("language", String.valueOf(or(properties(PAGE_PID), "language", "")));
        return view;
    }

    private static int number(JsonObject body, String name, int min, int max) {
        JsonElement e = body.get(name);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiError.badRequest("invalid_type", name, text(READER.get(), "error.field.type", name, "number"));
        }
        double v = e.getAsDouble();
        if (v != Math.rint(v) || v < min || v > max) {
            throw ApiError.badRequest("invalid_value", name, text(READER.get(), "error.field.range", name, min, max));
        }
        return (int) v;
    }

    /** Saves the fields present; each goes to its component's configuration, which applies it. */
    private Map<String, Object> saveSettings(JsonObject body) throws IOException {
        org.osgi.service.cm.ConfigurationAdmin admin = need(configurationAdmin, "configadmin");
        Map<String, Object> now = settingsView();
        // Only what changed is written: an unchanged port or host never restarts the HTTP server.
        for (String same : List.of("port", "lanAccess")) {
            JsonElement e = body.get(same);
            if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().getAsString().equals(String.valueOf(now.get(same)))) {
                body.remove(same);
            }
        }
        if (body.has("threads")) {
            update(admin, LLAMACPP_PID, "threads", number(body, "threads", 0, 1024));
        }
        if (body.has("gpu")) {
            String gpu = text(body, "gpu");
            if (!gpu.equals("auto") && !gpu.equals("off")) {
                throw ApiError.badRequest("invalid_value", "gpu", text(READER.get(), "error.field.type", "gpu", "auto | off"));
            }
            update(admin, LLAMACPP_PID, "gpuOffload", gpu);
        }
        if (body.has("idleUnloadMinutes")) {
            update(admin, RUNTIME_PID, "idleUnloadMinutes", number(body, "idleUnloadMinutes", 0, 10080));
        }
        if (body.has("lanAccess")) {
            boolean lan = body.get("lanAccess").isJsonPrimitive() && body.get("lanAccess").getAsBoolean();
            org.terroir.api.web.ApiKeys k = keys;
            if (lan && (k == null || k.list().isEmpty())) {
                throw ApiError.badRequest("keys_needed", "lanAccess", text(READER.get(), "ui.settings.lanNeedsKey"));
            }
            saveHttp("org.apache.felix.http.host", lan ? "0.0.0.0" : "127.0.0.1");
        }
        if (body.has("port")) {
            saveHttp("org.osgi.service.http.port", Integer.toString(number(body, "port", 1024, 65535)));
        }
        if (body.has("modelsFolder")) {
            String folder = modelsFolder(optional(body, "modelsFolder"));
            ModelLibrary lib = library;
            if (lib == null || !folder.equals(lib.root().toString())) {
                update(admin, CATALOG_PID, "models.folder", folder);
            }
        }
        if (body.has("language")) {
            String raw = optional(body, "language");
            String language = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
            if (!language.isEmpty() && !language.equals("fr") && !language.equals("en")) {
                throw ApiError.badRequest("invalid_value", "language",
                        text(READER.get(), "error.field.type", "language", "fr | en"));
            }
            update(admin, PAGE_PID, "language", language);
        }
        if (body.has("country")) {
            // Empty: the country of the system's locale; otherwise a country of the carbon table.
            String raw = optional(body, "country");
            String country = raw == null ? "" : raw.strip().toUpperCase(Locale.ROOT);
            org.terroir.api.energy.CarbonCalculator carbon = org.terroir.web.internal.openai.Responses.carbon();
            if (!country.isEmpty() && (carbon == null || carbon.intensity(country).isEmpty())) {
                throw ApiError.badRequest("invalid_value", "country", text(READER.get(), "error.field.type", "country",
                        carbon == null ? "" : String.join(" | ", carbon.table().stream()
                                .map(org.terroir.api.energy.GridIntensity::country).toList())));
            }
            update(admin, ENERGY_PID, "country", country);
        }
        return settingsView();
    }

    /**
     * The web server's address and port are kept in {@code conf/org.apache.felix.http.cfg}, where the launcher reads
     * them before it starts the server (they win over its {@code --port}); FileInstall applies the file at once. The
     * file's other lines are kept.
     */
    private static void saveHttp(String key, String value) throws IOException {
        java.nio.file.Path file = org.terroir.api.TerroirHome.conf().resolve(HTTP_PID + ".cfg");
        java.util.Properties p = new java.util.Properties();
        if (java.nio.file.Files.isRegularFile(file)) {
            try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        if (value.equals(p.getProperty(key))) {
            return;
        }
        p.setProperty(key, value);
        // Written by Properties itself: the file's other values keep their escapes (a Windows path's backslashes).
        java.io.StringWriter text = new java.io.StringWriter();
        p.store(text, "The web server's settings, saved by Terroir's page; yours to edit.");
        org.terroir.api.TerroirHome.writePrivate(file, text.toString());
    }

    private static void update(org.osgi.service.cm.ConfigurationAdmin admin, String pid, String key, Object value)
            throws IOException {
        org.osgi.service.cm.Configuration c = admin.getConfiguration(pid, "?");
        java.util.Dictionary<String, Object> p = c.getProperties();
        if (p == null) {
            p = new java.util.Hashtable<>();
        }
        if (value.equals(p.get(key))) {
            return;
        }
        p.put(key, value);
        c.update(p);
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

    /** Forgets a download (a failed or finished one, or one cancelled first), so that the page no longer lists it. */
    /** Forgets a download and what it left on disk (a paused or failed one keeps its .part file to resume from). */
    private Map<String, Object> removeDownload(JsonObject body) {
        String repo = text(body, "repo");
        String file = text(body, "file");
        Download d = downloads.remove(repo + "/" + file);
        if (d != null && !d.progress().state().isFinal()) {
            d.cancel();
        }
        Downloader files = downloader;
        boolean discarded = files != null && files.discard(repo, file);
        return Map.of("removed", d != null || discarded);
    }

    /** A .gguf file already on this computer, linked into the library (the page's owner names a file of theirs). */
    private LibraryModel importFile(String path) {
        java.nio.file.Path file;
        try {
            file = java.nio.file.Path.of(path.strip()).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            file = null;
        }
        if (file == null || !java.nio.file.Files.isRegularFile(file)
                || !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            throw ApiError.badRequest("invalid_value", "path", text(READER.get(), "ui.import.notGguf", path));
        }
        String name = file.getFileName().toString().replaceAll("(?i)\\.gguf$", "").replaceAll("[^A-Za-z0-9._-]", "-");
        return need(library, "catalog (ModelLibrary)").importFile(file, "local/" + name,
                org.terroir.api.catalog.ImportMode.LINK);
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
                "model_not_found", "ref", text(READER.get(), "error.model.unknown", ref)));
        manager.load(model.path().toString(), options);
        return manager.loaded();
    }

    private Object conversation(String id) {
        ChatService c = need(chat, "chat");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("conversation", c.get(id).orElseThrow(() -> new ApiError(404, "invalid_request_error",
                "chat.conversation.unknown", null, text(READER.get(), "error.notFound", id))));
        answer.put("messages", c.messages(id));
        answer.put("energy", EnergyView.total(c.energy(id), org.terroir.web.internal.openai.Responses.carbon(),
                READER.get()));
        return answer;
    }

    private void export(String id, String format, HttpServletResponse response) throws IOException {
        ExportFormat f = ExportFormat.parse(format);
        if (f == null) {
            throw ApiError.badRequest("invalid_value", "format", text(READER.get(), "error.field.type", "format",
                    "md | json"));
        }
        conversation(id);
        String text = need(chat, "chat").export(id, f);
        response.setStatus(200);
        response.setContentType(f == ExportFormat.JSON ? "application/json" : "text/markdown");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Disposition", "attachment; filename=\"conversation-" + id.replaceAll("[^A-Za-z0-9_-]", "")
                + "." + f.extension() + "\"");
        response.getWriter().write(text);
    }

    private Object create(JsonObject body) {
        ChatService c = need(chat, "chat");
        ConversationSettings settings = settings(body);
        Conversation created = c.create(settings);
        if (settings.systemPrompt() == null && created.presetId() != null) {
            // The preset's system prompt in the reader's language, not the server's.
            String localized = c.presets(READER.get()).stream().filter(p -> p.id().equals(created.presetId()))
                    .map(org.terroir.api.chat.Preset::systemPrompt).findFirst().orElse(null);
            if (localized != null && !localized.equals(created.systemPrompt())) {
                return c.update(created.id(), new ConversationSettings(null, null, null, localized, null));
            }
        }
        return created;
    }

    /** The settings of a body; a model must be loaded or in the library (a file path only with allowModelPaths). */
    private ConversationSettings settings(JsonObject body) {
        String modelRef = optional(body, "modelRef");
        models().checked(modelRef);
        // No title: the chat service names the conversation after its first message (the page shows "New
        // conversation" in its own language until then).
        String title = optional(body, "title");
        org.terroir.api.inference.Sampling sampling = null;
        JsonElement temperature = body.get("temperature");
        if (temperature != null && temperature.isJsonPrimitive() && temperature.getAsJsonPrimitive().isNumber()) {
            float t = temperature.getAsFloat();
            if (t < 0 || t > 2) {
                throw ApiError.badRequest("invalid_value", "temperature",
                        text(READER.get(), "error.field.range", "temperature", 0, 2));
            }
            sampling = org.terroir.api.inference.Sampling.defaults().withTemperature(t);
        }
        return new ConversationSettings(title, modelRef, optional(body, "presetId"),
                optional(body, "systemPrompt"), sampling);
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
            case "rename":
                return c.rename(id, text(body(request), "title"));
            case "send":
                String message = text(body(request), "text");
                // A conversation stored with another model name (an older one, or the shell's) is checked too.
                c.get(id).ifPresent(conversation -> models().checked(conversation.modelRef()));
                send(id, listener -> c.send(id, message, listener), response);
                return null;
            case "regenerate":
                // The last question answered again; its previous answer goes when the new one is there.
                c.get(id).ifPresent(conversation -> models().checked(conversation.modelRef()));
                send(id, listener -> c.regenerate(id, listener), response);
                return null;
            default:
                throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                        text(READER.get(), "error.url", "POST", request.getRequestURI()));
        }
    }

    /**
     * Streams an answer: {@code user} (the question), {@code token}, {@code trimmed}, then {@code done} with the stored
     * answer or {@code error}. {@code start} sends the question or asks the last one again.
     */
    private void send(String id, java.util.function.Function<ChatListener, ChatTurn> start,
            HttpServletResponse response) throws IOException {
        BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
        ChatTurn turn = start.apply(new ChatListener() {
            @Override
            public void onToken(String piece) {
                events.add(new Object[] { "token", Map.of("text", piece) });
            }

            @Override
            public void onContextTrimmed(int droppedMessages) {
                events.add(new Object[] { "trimmed", Map.of("dropped", droppedMessages) });
            }

            @Override
            public void onDocumentsLeftOut() {
                events.add(new Object[] { "documents-left-out", Map.of() });
            }
        });
        Sse sse = new Sse(response);
        try (TimeLimit limit = TimeLimit.of(turn::cancel, config.maxGenerationSeconds())) {
            sse.event("user", PAGE_JSON.toJson(turn.userMessage()));
            while (true) {
                Object[] event = events.poll(100, TimeUnit.MILLISECONDS);
                if (event != null) {
                    sse.event((String) event[0], PAGE_JSON.toJson(event[1]));
                } else if (turn.result().isDone() && events.isEmpty()) {
                    break;
                }
            }
            try {
                ChatReply reply = turn.await();
                sse.event("done", PAGE_JSON.toJson(reply));
            } catch (RuntimeException e) {
                sse.event("error", PAGE_JSON.toJson(Map.of("message", ApiError.shortMessage(e.getMessage()))));
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
        throw ApiError.badRequest("invalid_json", null, text(READER.get(), "error.json.object"));
    }

    private static String text(Locale locale, String key, Object... args) {
        return Texts.get(locale, key, args);
    }

    private static String text(JsonObject body, String name) {
        String value = optional(body, name);
        return required(value, name);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ApiError.badRequest("missing_required_parameter", name, text(READER.get(), "error.field.missing", name));
        }
        return value;
    }

    private static String optional(JsonObject body, String name) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive()) {
            throw ApiError.badRequest("invalid_type", name, text(READER.get(), "error.field.type", name, "string"));
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
                text(READER.get(), "error.service.missing", name));
    }
}

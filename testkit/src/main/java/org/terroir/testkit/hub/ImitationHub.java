package org.terroir.testkit.hub;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * A real HTTP server on 127.0.0.1 that answers like the Hugging Face Hub: the JSON shapes and headers of
 * {@code /api/models} (search with {@code Link} pagination), {@code /api/models/{repo}} (with {@code ?blobs=true}),
 * {@code /api/models/{repo}/tree/main}, and {@code /{repo}/resolve/main/{file}} (HEAD and GET answer 302 to a
 * CDN-like path with {@code X-Linked-Size}, {@code X-Linked-Etag}, {@code X-Repo-Commit}; the CDN path serves
 * {@code Range} with 206 and {@code Content-Range}). Errors carry {@code X-Error-Code} as the Hub's do.
 *
 * <p>Faults to inject: cut the connection after N bytes, corrupt a byte, ignore {@code Range}, require a token,
 * answer 429 with {@code Retry-After}, serve slowly.
 *
 * <pre>{@code
 * try (ImitationHub hub = ImitationHub.start()) {
 *     hub.repo("acme/tiny-GGUF").downloads(10).file("tiny-q8_0.gguf", bytes);
 *     URI endpoint = hub.endpoint();
 * }
 * }</pre>
 */
public final class ImitationHub implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, HubRepo> repos = new ConcurrentHashMap<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private volatile String requiredToken;
    private volatile boolean ignoreRange;
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final AtomicInteger cutTimes = new AtomicInteger();
    private final Map<Long, Boolean> corrupted = new ConcurrentHashMap<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private volatile int throttleChunk;
    private volatile long throttleMillis;
    private final AtomicLong bytesServed = new AtomicLong();

    private ImitationHub(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free port of 127.0.0.1. */
    public static ImitationHub start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService ex = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "imitation-hub");
                t.setDaemon(true);
                return t;
            });
            ImitationHub hub = new ImitationHub(s, ex);
            s.createContext("/", hub::handle);
            s.setExecutor(ex);
            s.start();
            return hub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234} (what HF_ENDPOINT would be). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The repository with this id, created empty on first use. */
    public HubRepo repo(String id) {
        return repos.computeIfAbsent(id, HubRepo::new);
    }

    /**
     * A repository of real GGUF files made by {@link TinyLlama#unitTest()} (llama.cpp loads them), one per weight
     * type, named {@code <last part of repo, lower case>-<TYPE>.gguf}, e.g. {@code tiny-Q8_0.gguf}.
     *
     * @param workDir where the files are generated before being served from memory
     */
    public HubRepo addTinyLlama(String repo, Path workDir, TensorType... types) {
        HubRepo r = repo(repo).downloads(1000).likes(10).parameters(TinyLlama.unitTest().build().parameterCount());
        String base = repo.substring(repo.indexOf('/') + 1).toLowerCase(Locale.ROOT).replace("-gguf", "");
        try {
            Files.createDirectories(workDir);
            for (TensorType t : types.length == 0 ? new TensorType[] {TensorType.Q8_0} : types) {
                Path f = workDir.resolve(base + "-" + t + ".gguf");
                TinyLlama.unitTest().weightType(t).build().write(f);
                r.file(f.getFileName().toString(), f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r.text("README.md", "# " + repo + "\n\nRandom weights, for tests.\n");
    }

    // ---------------------------------------------------------------- faults

    /** Every request needs {@code Authorization: Bearer <token>} (null: none needed). */
    public ImitationHub requireToken(String token) {
        requiredToken = token;
        return this;
    }

    /** The CDN answers 200 with the whole file to every Range request. */
    public ImitationHub ignoreRange(boolean value) {
        ignoreRange = value;
        return this;
    }

    /** The next {@code times} file downloads are cut after {@code bytes} bytes of their body. */
    public ImitationHub cutAfter(long bytes, int times) {
        cutAfter.set(bytes);
        cutTimes.set(times);
        return this;
    }

    /** Every download of any file flips the byte at this offset (its SHA-256 no longer matches). */
    public ImitationHub corruptByte(long offset) {
        corrupted.put(offset, Boolean.TRUE);
        return this;
    }

    public ImitationHub clearCorruption() {
        corrupted.clear();
        return this;
    }

    /** The next {@code requests} requests get 429 with {@code Retry-After: seconds}. */
    public ImitationHub rateLimit(int requests, int seconds) {
        rateLimited.set(requests);
        retryAfterSeconds = seconds;
        return this;
    }

    /** Serve file bodies by chunks of {@code chunk} bytes with a pause between them (0: full speed). */
    public ImitationHub throttle(int chunk, long pauseMillis) {
        throttleChunk = chunk;
        throttleMillis = pauseMillis;
        return this;
    }

    /** Requests seen, as {@code METHOD path?query [Range: ...]}. */
    public List<String> log() {
        return Collections.unmodifiableList(log);
    }

    public void clearLog() {
        log.clear();
    }

    /** File body bytes sent so far. */
    public long bytesServed() {
        return bytesServed.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            String range = ex.getRequestHeaders().getFirst("Range");
            log.add(ex.getRequestMethod() + " " + path + (query == null ? "" : "?" + query)
                    + (range == null ? "" : " [Range: " + range + "]"));
            if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
                error(ex, 429, null, "Rate limit reached. You reached the free usage limit (reset hourly).");
                return;
            }
            String token = requiredToken;
            if (token != null && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                error(ex, 401, null, "Invalid credentials in Authorization header");
                return;
            }
            if (path.startsWith("/cdn/")) {
                cdn(ex, path.substring("/cdn/".length()));
            } else if (path.equals("/api/models")) {
                search(ex, params(query));
            } else if (path.startsWith("/api/models/")) {
                api(ex, path.substring("/api/models/".length()), params(query));
            } else if (path.contains("/resolve/")) {
                resolve(ex, path);
            } else {
                error(ex, 404, null, "Not found");
            }
        } catch (IOException e) {
            // The client went away (or a fault closed the connection): nothing to answer.
        }
    }

    private void search(HttpExchange ex, Map<String, String> p) throws IOException {
        String text = p.getOrDefault("search", "").toLowerCase(Locale.ROOT);
        String sort = p.getOrDefault("sort", "downloads");
        int limit = Math.max(1, Math.min(1000, Integer.parseInt(p.getOrDefault("limit", "1000"))));
        int offset = p.containsKey("cursor")
                ? Integer.parseInt(new String(Base64.getUrlDecoder().decode(p.get("cursor")), StandardCharsets.UTF_8))
                : 0;
        List<HubRepo> matching = new ArrayList<>();
        for (HubRepo r : repos.values()) {
            boolean gguf = r.files.keySet().stream().anyMatch(f -> f.toLowerCase(Locale.ROOT).endsWith(".gguf"));
            if (r.id.toLowerCase(Locale.ROOT).contains(text) && (!"gguf".equals(p.get("filter")) || gguf)
                    && !r.privateRepo) {
                matching.add(r);
            }
        }
        Comparator<HubRepo> order = switch (sort) {
            case "likes" -> Comparator.comparingLong(r -> r.likes);
            case "trendingScore" -> Comparator.comparingDouble(r -> r.trendingScore);
            default -> Comparator.comparingLong(r -> r.downloads);
        };
        matching.sort(order.reversed().thenComparing(r -> r.id));
        JsonArray out = new JsonArray();
        int end = Math.min(matching.size(), offset + limit);
        for (int i = offset; i < end; i++) {
            HubRepo r = matching.get(i);
            JsonObject o = new JsonObject();
            o.addProperty("_id", r.commit.substring(0, 24));
            o.addProperty("id", r.id);
            o.addProperty("likes", r.likes);
            o.addProperty("trendingScore", r.trendingScore);
            o.addProperty("private", r.privateRepo);
            o.addProperty("downloads", r.downloads);
            o.add("tags", tags(r));
            o.addProperty("pipeline_tag", r.pipelineTag);
            o.addProperty("library_name", "gguf");
            o.addProperty("createdAt", "2024-09-17T14:08:26.000Z");
            o.addProperty("modelId", r.id);
            out.add(o);
        }
        if (end < matching.size()) {
            StringBuilder next = new StringBuilder(endpoint() + "/api/models?");
            Map<String, String> q = new LinkedHashMap<>(p);
            q.put("cursor", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8)));
            q.forEach((k, v) -> next.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .append('&'));
            next.setLength(next.length() - 1);
            ex.getResponseHeaders().add("Link", "<" + next + ">; rel=\"next\"");
        }
        json(ex, 200, out);
    }

    private void api(HttpExchange ex, String rest, Map<String, String> p) throws IOException {
        String[] parts = rest.split("/");
        if (parts.length < 2) {
            error(ex, 404, null, "Not found");
            return;
        }
        String id = parts[0] + "/" + parts[1];
        HubRepo r = repos.get(id);
        if (r == null || (r.privateRepo && requiredToken == null && ex.getRequestHeaders().getFirst("Authorization") == null)) {
            repoNotFound(ex);
            return;
        }
        if (parts.length == 2) {
            json(ex, 200, info(r, "true".equals(p.get("blobs"))));
        } else if (parts.length >= 4 && parts[2].equals("tree")) {
            if (!parts[3].equals("main")) {
                error(ex, 404, "RevisionNotFound", "Invalid rev id: " + parts[3]);
                return;
            }
            JsonArray out = new JsonArray();
            for (HubRepo.HubFile f : r.orderedFiles()) {
                JsonObject o = new JsonObject();
                o.addProperty("type", "file");
                o.addProperty("oid", f.gitOid());
                o.addProperty("size", f.content().length);
                o.addProperty("path", f.name());
                if (f.lfs()) {
                    JsonObject lfs = new JsonObject();
                    lfs.addProperty("oid", f.sha256());
                    lfs.addProperty("size", f.content().length);
                    lfs.addProperty("pointerSize", 135);
                    o.add("lfs", lfs);
                }
                out.add(o);
            }
            json(ex, 200, out);
        } else {
            error(ex, 404, null, "Not found");
        }
    }

    private JsonObject info(HubRepo r, boolean blobs) {
        JsonObject o = new JsonObject();
        o.addProperty("_id", r.commit.substring(0, 24));
        o.addProperty("id", r.id);
        o.addProperty("modelId", r.id);
        o.addProperty("author", r.id.substring(0, r.id.indexOf('/')));
        o.addProperty("sha", r.commit);
        o.addProperty("lastModified", "2024-09-20T12:00:00.000Z");
        o.addProperty("private", r.privateRepo);
        o.addProperty("disabled", false);
        if (r.gated) {
            o.addProperty("gated", "manual");
        } else {
            o.add("gated", new JsonPrimitive(false));
        }
        o.addProperty("downloads", r.downloads);
        o.addProperty("likes", r.likes);
        o.addProperty("library_name", "gguf");
        o.add("tags", tags(r));
        o.addProperty("pipeline_tag", r.pipelineTag);
        JsonArray siblings = new JsonArray();
        long storage = 0;
        for (HubRepo.HubFile f : r.orderedFiles()) {
            JsonObject s = new JsonObject();
            s.addProperty("rfilename", f.name());
            if (blobs) {
                s.addProperty("blobId", f.gitOid());
                s.addProperty("size", f.content().length);
                if (f.lfs()) {
                    JsonObject lfs = new JsonObject();
                    lfs.addProperty("sha256", f.sha256());
                    lfs.addProperty("size", f.content().length);
                    lfs.addProperty("pointerSize", 135);
                    s.add("lfs", lfs);
                }
            }
            storage += f.content().length;
            siblings.add(s);
        }
        o.add("siblings", siblings);
        if (r.parameters >= 0) {
            JsonObject gguf = new JsonObject();
            gguf.addProperty("total", r.parameters);
            o.add("gguf", gguf);
        }
        o.addProperty("usedStorage", storage);
        return o;
    }

    private static JsonArray tags(HubRepo r) {
        JsonArray tags = new JsonArray();
        tags.add("gguf");
        if (r.pipelineTag != null) {
            tags.add(r.pipelineTag);
        }
        tags.add("endpoints_compatible");
        return tags;
    }

    /** {@code /{owner}/{repo}/resolve/{revision}/{file}}: 302 to the CDN for LFS files, the body for others. */
    private void resolve(HttpExchange ex, String path) throws IOException {
        int at = path.indexOf("/resolve/");
        String id = path.substring(1, at);
        String rest = path.substring(at + "/resolve/".length());
        int slash = rest.indexOf('/');
        String revision = slash < 0 ? rest : rest.substring(0, slash);
        String file = slash < 0 ? "" : URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
        HubRepo r = repos.get(id);
        boolean authed = ex.getRequestHeaders().getFirst("Authorization") != null;
        if (r == null || (r.privateRepo && !authed)) {
            repoNotFound(ex);
            return;
        }
        if (r.gated && !authed) {
            error(ex, 401, "GatedRepo", "Access to model " + id + " is restricted. You must have access to it and be "
                    + "authenticated to access it. Please log in.");
            return;
        }
        if (!revision.equals("main")) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        HubRepo.HubFile f = r.files.get(file);
        if (f == null) {
            error(ex, 404, "EntryNotFound", "Entry not found");
            return;
        }
        Headers h = ex.getResponseHeaders();
        h.set("X-Repo-Commit", r.commit);
        h.set("Accept-Ranges", "bytes");
        if (f.lfs()) {
            h.set("X-Linked-Size", Long.toString(f.content().length));
            h.set("X-Linked-Etag", "\"" + f.sha256() + "\"");
            h.set("ETag", "\"" + f.gitOid() + "\"");
            h.set("Location", endpoint() + "/cdn/" + f.sha256() + "?response-content-disposition="
                    + URLEncoder.encode("inline; filename=\"" + f.name() + "\"", StandardCharsets.UTF_8));
            ex.sendResponseHeaders(302, -1);
            return;
        }
        h.set("ETag", "\"" + f.gitOid() + "\"");
        body(ex, f.content(), f.gitOid());
    }

    private void cdn(HttpExchange ex, String sha) throws IOException {
        HubRepo.HubFile f = repos.values().stream().flatMap(r -> r.files.values().stream())
                .filter(x -> x.sha256().equals(sha)).findFirst().orElse(null);
        if (f == null) {
            error(ex, 404, null, "NoSuchKey");
            return;
        }
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        body(ex, f.content(), f.sha256());
    }

    /** Sends bytes, honouring Range unless told not to, and applying the faults. */
    private void body(HttpExchange ex, byte[] content, String etag) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("ETag", "\"" + etag + "\"");
        h.set("Content-Type", "application/octet-stream");
        long from = 0;
        long to = content.length - 1L;
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && !ignoreRange) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) {
                from = Long.parseLong(m.group(1));
                if (!m.group(2).isEmpty()) {
                    to = Math.min(to, Long.parseLong(m.group(2)));
                }
                if (from >= content.length) {
                    h.set("Content-Range", "bytes */" + content.length);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                status = 206;
                h.set("Content-Range", "bytes " + from + "-" + to + "/" + content.length);
            }
        }
        long length = to - from + 1;
        boolean head = "HEAD".equals(ex.getRequestMethod());
        if (head) {
            h.set("Content-Length", Long.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, length);
        long cut = -1;
        if (cutTimes.get() > 0 && cutTimes.getAndDecrement() > 0) {
            cut = cutAfter.get();
        }
        OutputStream out = ex.getResponseBody();
        int chunk = throttleChunk > 0 ? throttleChunk : 64 * 1024;
        long sent = 0;
        for (long pos = from; pos <= to; ) {
            int n = (int) Math.min(chunk, to - pos + 1);
            if (cut >= 0 && sent + n > cut) {
                n = (int) (cut - sent);
            }
            byte[] part = java.util.Arrays.copyOfRange(content, (int) pos, (int) pos + n);
            for (long off : corrupted.keySet()) {
                if (off >= pos && off < pos + n) {
                    part[(int) (off - pos)] ^= (byte) 0x5A;
                }
            }
            out.write(part);
            out.flush();
            sent += n;
            pos += n;
            bytesServed.addAndGet(n);
            if (cut >= 0 && sent >= cut) {
                // Closing with bytes still owed makes the server drop the connection: the client sees a cut.
                throw new IOException("fault: connection cut after " + sent + " bytes");
            }
            if (throttleMillis > 0) {
                try {
                    Thread.sleep(throttleMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    private void repoNotFound(HttpExchange ex) throws IOException {
        // The Hub answers 401 (not 404) to anonymous requests so that private repositories are not revealed.
        boolean authed = ex.getRequestHeaders().getFirst("Authorization") != null;
        error(ex, authed ? 404 : 401, "RepoNotFound", "Repository not found");
    }

    private void error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (code != null) {
            ex.getResponseHeaders().set("X-Error-Code", code);
        }
        ex.getResponseHeaders().set("X-Error-Message", message);
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        json(ex, status, o);
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static Map<String, String> params(String query) {
        Map<String, String> p = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return p;
        }
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            p.put(k, v);
        }
        return p;
    }
}

package org.terroir.catalog.internal.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import org.terroir.api.TerroirException;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.ModelKind;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.catalog.internal.Msg;
import org.terroir.catalog.internal.Quantization;

/**
 * The Hugging Face Hub's HTTP API, as far as Terroir needs it. Redirects are followed by hand so that the token
 * is never sent to another host (the Hub answers LFS downloads with a 302 to its CDN).
 */
public final class HubClient {
    public static final String CATALOG_ID = "huggingface";
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_REDIRECTS = 5;

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.proxyHost() != null) {
            b.proxy(ProxySelector.of(new InetSocketAddress(settings.proxyHost(), settings.proxyPort())));
        }
        this.http = b.build();
    }

    public HubSettings settings() {
        return settings;
    }

    public static void checkRepo(String repo) {
        if (repo == null || !REPO.matcher(repo).matches() || repo.contains("..")) {
            throw Msg.error("hub.bad-repo", repo);
        }
    }

    // ---------------------------------------------------------------- search

    public SearchPage search(SearchQuery query) {
        URI uri;
        if (query.page() != null) {
            uri = URI.create(query.page());
            // The cursor is the Hub's own "next" link; refuse anything that would send the token elsewhere.
            if (!sameOrigin(uri, settings.endpoint())) {
                throw Msg.error("hub.bad-cursor", query.page());
            }
        } else {
            uri = URI.create(settings.endpoint() + "/api/models?search=" + enc(query.text()) + "&filter=gguf&sort="
                    + query.sort().hubName() + "&direction=-1&limit=" + query.limit());
        }
        HttpResponse<String> r = sendText(uri, null, null);
        JsonArray array = parse(r.body(), uri).getAsJsonArray();
        List<CatalogEntry> entries = new ArrayList<>();
        for (JsonElement e : array) {
            entries.add(entry(e.getAsJsonObject(), List.of()));
        }
        String next = nextLink(r.headers()).filter(u -> sameOrigin(URI.create(u), settings.endpoint())).orElse(null);
        return new SearchPage(entries, next);
    }

    static Optional<String> nextLink(HttpHeaders headers) {
        for (String value : headers.allValues("Link")) {
            Matcher m = LINK_NEXT.matcher(value);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- model info

    /** The repository with every file's size and SHA-256 ({@code ?blobs=true}, else the file tree). */
    public CatalogEntry modelInfo(String repo) {
        checkRepo(repo);
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo + "?blobs=true");
        JsonObject info = parse(sendText(uri, repo, null).body(), uri).getAsJsonObject();
        List<ModelFile> files = new ArrayList<>();
        boolean complete = true;
        for (JsonElement s : array(info, "siblings")) {
            JsonObject sib = s.getAsJsonObject();
            String name = str(sib, "rfilename");
            if (name == null) {
                continue;
            }
            long size = num(sib, "size", -1);
            String sha = null;
            if (sib.has("lfs") && sib.get("lfs").isJsonObject()) {
                JsonObject lfs = sib.getAsJsonObject("lfs");
                sha = Optional.ofNullable(str(lfs, "sha256")).orElse(str(lfs, "oid"));
                size = num(lfs, "size", size);
            }
            complete &= size >= 0;
            files.add(new ModelFile(name, Quantization.fromFileName(name), size, cleanSha(sha), null, null));
        }
        if (!complete || files.isEmpty()) {
            files = tree(repo);
        }
        return entry(info, files);
    }

    /** {@code /api/models/{repo}/tree/main}: every file with its size and, for LFS files, its SHA-256. */
    public List<ModelFile> tree(String repo) {
        checkRepo(repo);
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo + "/tree/main?recursive=true");
        List<ModelFile> files = new ArrayList<>();
        for (JsonElement e : parse(sendText(uri, repo, null).body(), uri).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            if (!"file".equals(str(o, "type"))) {
                continue;
            }
            String path = str(o, "path");
            long size = num(o, "size", -1);
            String sha = null;
            if (o.has("lfs") && o.get("lfs").isJsonObject()) {
                JsonObject lfs = o.getAsJsonObject("lfs");
                sha = Optional.ofNullable(str(lfs, "sha256")).orElse(str(lfs, "oid"));
                size = num(lfs, "size", size);
            }
            files.add(new ModelFile(path, Quantization.fromFileName(path), size, cleanSha(sha), null, null));
        }
        return files;
    }

    private CatalogEntry entry(JsonObject o, List<ModelFile> files) {
        String id = Optional.ofNullable(str(o, "id")).orElse(str(o, "modelId"));
        String author = str(o, "author");
        if (author == null && id != null && id.contains("/")) {
            author = id.substring(0, id.indexOf('/'));
        }
        long params = -1;
        if (o.has("gguf") && o.get("gguf").isJsonObject()) {
            params = num(o.getAsJsonObject("gguf"), "total", -1);
        }
        if (params < 0 && o.has("safetensors") && o.get("safetensors").isJsonObject()) {
            params = num(o.getAsJsonObject("safetensors"), "total", -1);
        }
        boolean gated = o.has("gated") && !o.get("gated").isJsonNull()
                && !(o.get("gated").isJsonPrimitive() && o.get("gated").getAsJsonPrimitive().isBoolean()
                        && !o.get("gated").getAsBoolean());
        boolean priv = o.has("private") && o.get("private").isJsonPrimitive() && o.get("private").getAsBoolean();
        String pipeline = str(o, "pipeline_tag");
        ModelKind kind = pipeline == null ? ModelKind.OTHER
                : pipeline.contains("feature-extraction") || pipeline.contains("sentence-similarity")
                        ? ModelKind.EMBEDDING
                        : pipeline.contains("text-generation") || pipeline.contains("text2text") ? ModelKind.CHAT
                                : ModelKind.OTHER;
        return new CatalogEntry(id, author, num(o, "downloads", -1), num(o, "likes", -1), params, files, gated, priv,
                kind, null, "", null, true, null, CATALOG_ID);
    }

    // ---------------------------------------------------------------- files

    public URI resolveUrl(String repo, String file) {
        checkRepo(repo);
        if (file == null || file.isBlank() || file.startsWith("/") || file.contains("..") || file.contains("\\")) {
            throw Msg.error("hub.bad-file", file);
        }
        StringBuilder path = new StringBuilder();
        for (String part : file.split("/")) {
            path.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(settings.endpoint() + "/" + repo + "/resolve/main" + path);
    }

    /** HEAD of a file, without following the redirect (its headers carry the LFS size and SHA-256). */
    public RemoteFile head(String repo, String file) {
        URI url = resolveUrl(repo, file);
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> r = send(request(current, "HEAD", null), HttpResponse.BodyHandlers.discarding(), repo,
                    file);
            HttpHeaders h = r.headers();
            Optional<String> linkedSize = h.firstValue("X-Linked-Size");
            if (r.statusCode() / 100 == 3 && linkedSize.isEmpty()) {
                current = location(current, r);
                continue;
            }
            long size = linkedSize.map(Long::parseLong)
                    .orElse(r.statusCode() / 100 == 2 ? h.firstValueAsLong("Content-Length").orElse(-1) : -1);
            String linkedEtag = h.firstValue("X-Linked-Etag").map(HubClient::unquote).orElse(null);
            String etag = Optional.ofNullable(linkedEtag).orElse(h.firstValue("ETag").map(HubClient::unquote).orElse(null));
            return new RemoteFile(url, size, cleanSha(linkedEtag), etag, h.firstValue("X-Repo-Commit").orElse(null));
        }
        throw Msg.error("hub.too-many-redirects", url);
    }

    /**
     * GET of a file from byte {@code from} (inclusive) to {@code to} (inclusive, -1: to the end), following redirects.
     * The caller closes the body. Status 200, 206 and 416 come back; other statuses become exceptions.
     */
    public HttpResponse<InputStream> open(String repo, String file, long from, long to) {
        URI current = resolveUrl(repo, file);
        String range = from > 0 || to >= 0 ? "bytes=" + from + "-" + (to >= 0 ? to : "") : null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> r = send(request(current, "GET", range), HttpResponse.BodyHandlers.ofInputStream(),
                    repo, file);
            if (r.statusCode() / 100 == 3) {
                closeQuietly(r.body());
                current = location(current, r);
                continue;
            }
            return r;
        }
        throw Msg.error("hub.too-many-redirects", current);
    }

    /** The first {@code length} bytes of a file (fewer if the file is shorter). */
    public ByteBuffer readPrefix(String repo, String file, int length) {
        HttpResponse<InputStream> r = open(repo, file, 0, length - 1L);
        try (InputStream in = r.body()) {
            if (r.statusCode() == 416) {
                return ByteBuffer.allocate(0);
            }
            // A server that ignores Range sends everything: read only what was asked for.
            byte[] bytes = in.readNBytes(length);
            return ByteBuffer.wrap(bytes);
        } catch (IOException e) {
            throw Msg.error(e, "hub.unreachable", settings.endpoint(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- HTTP plumbing

    private HttpRequest request(URI uri, String method, String range) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.readTimeout())
                .header("User-Agent", "terroir/0.1; hf-hub-compatible").method(method, HttpRequest.BodyPublishers.noBody());
        if (settings.token() != null && sameOrigin(uri, settings.endpoint())) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        if (range != null) {
            b.header("Range", range);
        }
        return b.build();
    }

    private HttpResponse<String> sendText(URI uri, String repo, String file) {
        return send(request(uri, "GET", null), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), repo, file);
    }

    /** Sends, waits out 429s (Retry-After) up to the retry budget, and turns Hub errors into clear exceptions. */
    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, String repo, String file) {
        int attempt = 0;
        while (true) {
            HttpResponse<T> r;
            try {
                r = http.send(req, handler);
            } catch (IOException e) {
                throw Msg.error(e, "hub.unreachable", settings.endpoint(), describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Msg.error(e, "hub.interrupted");
            }
            int status = r.statusCode();
            if (status == 429) {
                Optional<Duration> wait = Optional.of(Retries.retryAfter(r.headers()));
                Retries retries = new Retries(settings);
                if (retries.allowed(++attempt, wait)) {
                    closeBody(r);
                    sleep(retries.delay(attempt, wait));
                    continue;
                }
            }
            if (status < 400 || status == 416) {
                return r;
            }
            closeBody(r);
            throw HubErrors.toException(status, r.headers(), settings, repo, file);
        }
    }

    static long retryAfterSeconds(HttpHeaders headers) {
        return Retries.retryAfter(headers).toSeconds();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Msg.error(e, "hub.interrupted");
        }
    }

    private static URI location(URI current, HttpResponse<?> r) {
        String loc = r.headers().firstValue("Location")
                .orElseThrow(() -> Msg.error("hub.http-error", r.statusCode(), current));
        return current.resolve(loc);
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static void closeBody(HttpResponse<?> r) {
        if (r.body() instanceof InputStream in) {
            closeQuietly(in);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to save
        }
    }

    private JsonElement parse(String body, URI uri) {
        try {
            return JsonParser.parseString(body);
        } catch (JsonParseException | IllegalStateException e) {
            throw Msg.error(e, "hub.bad-json", uri);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String unquote(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    static String cleanSha(String sha) {
        if (sha == null) {
            return null;
        }
        String s = unquote(sha).toLowerCase(Locale.ROOT);
        if (s.startsWith("sha256:")) {
            s = s.substring(7);
        }
        return SHA256.matcher(s).matches() ? s : null;
    }

    private static JsonArray array(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonArray() ? o.getAsJsonArray(key) : new JsonArray();
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static long num(JsonObject o, String key, long dflt) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsLong();
        }
        return dflt;
    }

    static Map<String, String> env() {
        return System.getenv();
    }
}

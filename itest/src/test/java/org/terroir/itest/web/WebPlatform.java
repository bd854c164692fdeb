package org.terroir.itest.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.web.WebServer;
import org.terroir.launcher.Platform;

/**
 * The assembled platform with its web server on a free loopback port, and a raw HTTP client to call it. {@link #get}
 * and {@link #post} call as the page does (its secret's cookie and header); {@link #send} sends exactly what it is
 * given, as an attacker would.
 */
final class WebPlatform implements AutoCloseable {
    final Platform platform;
    final int port;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<com.openai.client.OpenAIClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

    private WebPlatform(Platform platform, int port) {
        this.platform = platform;
        this.port = port;
    }

    static WebPlatform start(Path home) throws Exception {
        Path dist = Path.of(System.getProperty("terroir.dist", "../distribution/target/terroir"));
        if (!Files.isDirectory(dist.resolve("bundles"))) {
            throw new IllegalStateException("no assembled distribution at " + dist.toAbsolutePath());
        }
        int port = freePort();
        Map<String, String> props = new HashMap<>();
        props.put(Platform.API_FROM_CLASSPATH, "true");
        // Framework properties are Felix HTTP's defaults: the server comes up on this port, on loopback, at once.
        props.put("org.osgi.service.http.port", Integer.toString(port));
        props.put("org.apache.felix.http.host", "127.0.0.1");
        WebPlatform web = new WebPlatform(Platform.start(dist, home, false, props), port);
        web.awaitServer();
        return web;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Waits until the OpenAI servlet and the page's answer (bundles start asynchronously); a 401 that asks for a key
     * (a home whose configuration has {@code requireKeys}) is the guard answering, so the server is up too.
     */
    void awaitServer() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            try {
                HttpResponse<String> models = get("/v1/models");
                if (models.statusCode() == 200 || models.statusCode() == 401
                        && models.body().contains("invalid_api_key")) {
                    // the page's servlet registers on its own: its API answers too (JSON, not Jetty's 404 page)
                    HttpResponse<String> status = get("/api/status");
                    if (status.body().strip().startsWith("{")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the web server did not answer on " + base());
    }

    /** The page's secret of this run, from the address the shell's {@code serve} shows. */
    String pageToken() {
        String url = service(WebServer.class).pageUrl();
        return url.substring(url.indexOf("?token=") + 7);
    }

    /** A request builder carrying what the page sends: its secret's cookie and its header. */
    HttpRequest.Builder asPage(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofMinutes(2))
                .header("Cookie", "terroir_page_" + port + "=" + pageToken()).header("X-Terroir-Page", "1");
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(asPage(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(asPage(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> withKey(String path, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + key)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until a GET answers this status (the server restarts when its address changes). */
    void awaitStatus(String path, int status) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int last = -1;
        while (System.nanoTime() < end) {
            try {
                last = get(path).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException e) {
                // restarting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET " + path + " answered " + last + ", not " + status);
    }

    /**
     * Writes the web bundle's settings file ({@code conf/org.terroir.web.cfg}, {@code null} removes it) and waits until
     * every component of the web bundle that reads them runs with those settings and the APIs answer: they take a
     * change one after the other, and a test that saw one of them take it may call another still on the old ones.
     */
    void configureWeb(String settings) throws IOException, InterruptedException {
        Path cfg = platform.home().resolve("conf/org.terroir.web.cfg");
        Map<String, String> wanted = new HashMap<>();
        if (settings == null) {
            Files.deleteIfExists(cfg);
        } else {
            Files.writeString(cfg, settings);
            for (String line : settings.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    wanted.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            if (servletsHave(wanted, settings != null) && get("/v1/models").statusCode() != 404
                    && get("/api/status").body().strip().startsWith("{")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the web bundle's servlets did not take the settings " + wanted + ": "
                + webSettings(wanted.keySet()));
    }

    /** The service ids of the web bundle's servlets: they stay the same while the servlets stay registered. */
    java.util.Set<Object> webServletIds() throws org.osgi.framework.InvalidSyntaxException {
        java.util.Set<Object> ids = new java.util.TreeSet<>();
        org.osgi.framework.ServiceReference<?>[] refs = platform.context().getAllServiceReferences(
                "javax.servlet.Servlet", "(component.name=org.terroir.web.*)");
        for (org.osgi.framework.ServiceReference<?> ref : refs == null ? new org.osgi.framework.ServiceReference<?>[0]
                : refs) {
            ids.add(ref.getProperty(org.osgi.framework.Constants.SERVICE_ID));
        }
        return ids;
    }

    private List<String> webSettings(java.util.Set<String> keys) {
        try {
            org.osgi.framework.ServiceReference<?>[] refs = platform.context().getAllServiceReferences(null,
                    "(maxConcurrent=*)");
            List<String> found = new java.util.ArrayList<>();
            for (org.osgi.framework.ServiceReference<?> ref : refs == null ? new org.osgi.framework.ServiceReference<?>[0]
                    : refs) {
                StringBuilder line = new StringBuilder(ref.getBundle().getSymbolicName() + " "
                        + ref.getProperty("component.name"));
                for (String key : keys) {
                    line.append(' ').append(key).append('=').append(ref.getProperty(key));
                }
                found.add(line.toString());
            }
            return found;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Whether every service of the web bundle that takes its settings (those with a {@code maxConcurrent}, which the
     * settings always give: the APIs' services, the page's API, the server's guard) has these values, and the
     * settings file (FileInstall's {@code felix.fileinstall.filename}) or none.
     */
    private boolean servletsHave(Map<String, String> wanted, boolean fromFile) {
        try {
            org.osgi.framework.ServiceReference<?>[] refs = platform.context().getAllServiceReferences(null,
                    "(maxConcurrent=*)");
            int seen = 0;
            for (org.osgi.framework.ServiceReference<?> ref : refs == null ? new org.osgi.framework.ServiceReference<?>[0]
                    : refs) {
                if (!"org.terroir.web".equals(ref.getBundle().getSymbolicName())) {
                    continue;
                }
                seen++;
                if ((ref.getProperty("felix.fileinstall.filename") != null) != fromFile) {
                    return false;
                }
                for (Map.Entry<String, String> setting : wanted.entrySet()) {
                    if (!setting.getValue().equals(String.valueOf(ref.getProperty(setting.getKey())))) {
                        return false;
                    }
                }
            }
            return seen > 0;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    <T> T service(Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(platform.context(), type, null);
        tracker.open(true);
        try {
            T found = tracker.waitForService(Duration.ofSeconds(30).toMillis());
            if (found == null) {
                throw new AssertionError("no " + type.getName() + " service");
            }
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            tracker.close();
        }
    }

    ModelManager models() {
        return service(ModelManager.class);
    }

    /**
     * An OpenAI SDK client of this platform's {@code /v1}, as a program on this machine has one (no key, no retries:
     * a failure shows at once), closed with the platform.
     */
    com.openai.client.OpenAIClient openAi() {
        com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                .baseUrl(base() + "/v1").apiKey("not-needed-on-loopback").maxRetries(0)
                .timeout(Duration.ofMinutes(2)).build();
        clients.add(client);
        return client;
    }

    @Override
    public void close() throws Exception {
        for (com.openai.client.OpenAIClient client : clients) {
            client.close();
        }
        platform.close();
    }
}

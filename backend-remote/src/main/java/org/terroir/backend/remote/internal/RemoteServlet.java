package org.terroir.backend.remote.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/**
 * The page's "Remote servers" section: {@code GET /api/remote/servers} (each server, whether it is trusted, its
 * models or why they could not be listed), {@code POST /api/remote/servers} ({@code name, url, key, pin, consent}:
 * added only with {@code consent: true}, which the page sends after its confirm), {@code POST /api/remote/test},
 * {@code /trust} and {@code /remove} ({@code name}). A whiteboard servlet of this bundle: web's RequestGuard stands in
 * front of it like every other path (Host, Origin, JSON bodies, the page's secret), and it leaves with the bundle.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/remote/*")
public class RemoteServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY = 64 << 10;
    private static final Gson GSON = new Gson();

    @Reference
    private transient RemoteBackend backend;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        try {
            Object answer = switch (request.getMethod() + " " + path) {
                case "GET /servers" -> servers();
                case "POST /servers" -> add(body(request));
                case "POST /test" -> test(name(body(request)));
                case "POST /trust" -> {
                    backend.consent(name(body(request)));
                    yield Map.of("trusted", true);
                }
                case "POST /remove" -> {
                    String name = name(body(request));
                    if (!backend.remove(name)) {
                        backend.known(name);
                    }
                    yield Map.of("removed", true);
                }
                default -> throw new TerroirException(ErrorKind.NOT_FOUND, "remote.url",
                        RemoteBackend.TEXTS.get(locale(request), "page.unknown", request.getMethod(), path));
            };
            write(response, 200, answer);
        } catch (TerroirException e) {
            int status = switch (e.kind()) {
                case NOT_FOUND -> 404;
                case BAD_REQUEST, UNSUPPORTED -> 400;
                case UNAUTHORIZED -> 401;
                case BUSY -> 429;
                case TIMEOUT -> 504;
                case BACKEND_GONE -> 502;
                default -> 500;
            };
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", e.getMessage());
            error.put("type", status >= 500 ? "server_error" : "invalid_request_error");
            error.put("code", e.code());
            write(response, status, Map.of("error", error));
        }
    }

    private List<Map<String, Object>> servers() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (RemoteServer s : backend.servers()) {
            all.add(view(s, backend.listing(s.name())));
        }
        return all;
    }

    private Map<String, Object> view(RemoteServer s, RemoteBackend.Listing listing) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", s.name());
        v.put("url", s.url());
        v.put("trusted", s.consented());
        v.put("pinned", s.pinSha256());
        v.put("models", listing.models().stream().map(m -> RemoteBackend.name(s.name(), m.id())).toList());
        v.put("error", listing.error() == null ? null : listing.error().getMessage());
        return v;
    }

    private Map<String, Object> add(JsonObject body) {
        String name = string(body, "name");
        String url = string(body, "url");
        if (!(body.has("consent") && body.get("consent").isJsonPrimitive() && body.get("consent").getAsBoolean())) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "remote.consent.page",
                    RemoteBackend.TEXTS.get("remote.consent.page", String.valueOf(url)));
        }
        backend.add(name, url, string(body, "key"), string(body, "pin"), true);
        RemoteServer s = backend.known(name);
        return view(s, backend.listing(s.name()));
    }

    private Map<String, Object> test(String name) {
        RemoteServer s = backend.known(name);
        Map<String, Object> v = new LinkedHashMap<>();
        try {
            v.put("ok", true);
            v.put("models", backend.modelsNow(name).size());
        } catch (TerroirException e) {
            v.put("ok", false);
            v.put("error", e.getMessage());
        }
        v.put("name", s.name());
        return v;
    }

    private static String name(JsonObject body) {
        return RemoteServer.checkName(string(body, "name"));
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }

    private static JsonObject body(HttpServletRequest request) throws IOException {
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "page.tooLarge",
                    RemoteBackend.TEXTS.get(locale(request), "page.tooLarge", MAX_BODY >> 10));
        }
        try {
            JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (RuntimeException e) {
            // falls through
        }
        throw new TerroirException(ErrorKind.BAD_REQUEST, "page.json",
                RemoteBackend.TEXTS.get(locale(request), "page.json"));
    }

    private static Locale locale(HttpServletRequest request) {
        String accept = request.getHeader("Accept-Language");
        return accept != null && accept.strip().toLowerCase(Locale.ROOT).startsWith("fr") ? Locale.FRENCH
                : accept != null && !accept.isBlank() ? Locale.ENGLISH : org.terroir.api.i18n.Texts.locale();
    }

    private static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(GSON.toJson(body));
    }
}

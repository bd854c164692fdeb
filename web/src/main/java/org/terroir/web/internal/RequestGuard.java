package org.terroir.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterPattern;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.Endpoints;
import org.terroir.web.internal.keys.StoredApiKeys;
import org.terroir.web.internal.keys.KeyRefusal;
import org.terroir.web.internal.keys.Member;
import org.terroir.web.internal.ui.PageServlet;

/**
 * The one guard in front of every servlet of every HTTP context (pattern {@code /*}, all contexts): nothing is served
 * before it said yes. In this order:
 * <ol>
 * <li>{@code Host} must name this server (DNS rebinding): 421 otherwise;</li>
 * <li>CORS: preflights answered for the configured origins only (403 otherwise);</li>
 * <li>a request that changes something (any method but GET, HEAD, OPTIONS) carrying an {@code Origin} must come from
 * the page itself or a configured CORS origin (403), and its body must be {@code application/json} (415): the
 * "simple" requests another site's page can send without asking (text/plain, forms, blobs) never run;</li>
 * <li>an API key when the server listens beyond loopback, the request comes from another machine or through a
 * reverse proxy ({@code Forwarded}, {@code X-Forwarded-For}, {@code X-Real-IP}), or, for the APIs, {@code requireKeys}
 * is set (401; the page on this machine keeps needing only its secret);
 * an expired key is refused (401); on the APIs, a key over one of its limits gets a 429 with {@code Retry-After}, and
 * a valid key sent where none is needed is counted and limited just the same;</li>
 * <li>everything but the APIs for programs ({@code /v1/}, {@code /ollama/}, {@code /health}) and the page's own
 * files needs the page's secret: the cookie set
 * when the page was opened with {@link WebServerInfo#pageUrl()}, and the header {@value #PAGE_HEADER} that only the
 * page's own scripts can send (401).</li>
 * </ol>
 * A new endpoint is guarded without doing anything; see the web module's README.
 */
@Component(service = Filter.class)
@HttpWhiteboardFilterName("terroir-guard")
@HttpWhiteboardFilterPattern("/*")
@HttpWhiteboardContextSelect("(osgi.http.whiteboard.context.name=*)")
public class RequestGuard implements Filter {
    /** The header the page's scripts send with each API call (another site's page cannot send it without asking). */
    public static final String PAGE_HEADER = "X-Terroir-Page";
    static final String COOKIE_PREFIX = "terroir_page_";
    private static final List<String> SAFE_METHODS = List.of("GET", "HEAD", "OPTIONS");

    @Reference
    private WebServerInfo server;
    @Reference
    private StoredApiKeys keys;

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        Locale locale = Texts.of(request);
        String host = request.getHeader("Host");
        if (!server.allowsHost(host, request.getLocalPort())) {
            refuse(request, response, 421, "misdirected_request",
                    Texts.get(locale, "error.host", String.valueOf(host), Integer.toString(request.getLocalPort())));
            return;
        }
        String origin = request.getHeader("Origin");
        boolean corsAllowed = origin != null && List.of(server.config().corsOrigins()).contains(origin);
        if (corsAllowed) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Vary", "Origin");
            response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
            response.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        }
        String method = request.getMethod();
        if ("OPTIONS".equals(method)) {
            response.setStatus(corsAllowed ? 204 : 403);
            return;
        }
        boolean changes = !SAFE_METHODS.contains(method);
        if (changes && !corsAllowed && !ownOrigin(origin, host, request.getHeader("Sec-Fetch-Site"))) {
            refuse(request, response, 403, "cross_origin_refused",
                    Texts.get(locale, "error.origin", String.valueOf(origin)));
            return;
        }
        if (changes && needsJson(request) && !isJson(request.getContentType())
                && !untypedFromAProgram(request, origin)) {
            String type = request.getContentType();
            refuse(request, response, 415, "unsupported_media_type",
                    type == null ? Texts.get(locale, "error.contentType.none")
                            : Texts.get(locale, "error.contentType", type));
            return;
        }
        // The APIs count and limit the key that calls them; the page's own files and routes only check it (the
        // page polls: that must not use up a member's requests).
        Optional<Member> member = Optional.empty();
        boolean keyed;
        if (isApi(path(request))) {
            try {
                member = keys.admit(bearer(request));
            } catch (KeyRefusal refusal) {
                refuse(request, response, locale, refusal);
                return;
            }
            keyed = member.isPresent();
        } else {
            keyed = keys.verify(bearer(request));
        }
        if (!keyed && keyRequired(request)) {
            String header = request.getHeader("Authorization");
            refuse(request, response, 401, "invalid_api_key",
                    Texts.get(locale, header == null ? "error.key.missing" : "error.key.wrong"));
            return;
        }
        if (member.isPresent()) {
            try (Member m = member.get().enter()) {
                pass(request, response, chain, locale, method);
            }
        } else {
            pass(request, response, chain, locale, method);
        }
    }

    /** The page's secret where it is needed, then the servlet. */
    private void pass(HttpServletRequest request, HttpServletResponse response, FilterChain chain, Locale locale,
            String method) throws IOException, ServletException {
        String path = path(request);
        if (!isApi(path)) {
            if (PageServlet.isPageFile(method, path)) {
                if (handOver(request, response)) {
                    return;
                }
            } else if (!hasPageToken(request)) {
                refuse(request, response, 401, "page_token_missing", Texts.get(locale, "error.page.token"));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** A key that expired (401) or reached a limit (429, {@code Retry-After}), in OpenAI's error shape. */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, Locale locale,
            KeyRefusal refusal) throws IOException {
        var key = refusal.key();
        String name = key.label().isEmpty() ? key.id() : key.label();
        if (refusal.reason() == KeyRefusal.Reason.EXPIRED) {
            String when = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)
                    .withZone(ZoneId.systemDefault()).format(key.expires());
            refuse(request, response, 401, "invalid_api_key",
                    Texts.get(locale, "error.key.expired", name, when, key.id()));
            return;
        }
        response.setHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
        String message = switch (refusal.reason()) {
            case CONCURRENT -> Texts.get(locale, "error.quota.concurrent", name, key.limits().maxConcurrent());
            case REQUESTS_PER_MINUTE -> Texts.get(locale, "error.quota.rpm", name, key.limits().requestsPerMinute(),
                    refusal.retryAfterSeconds());
            default -> Texts.get(locale, "error.quota.tokens", name, key.limits().tokensPerDay(), refusal.used(),
                    duration(refusal.retryAfterSeconds()));
        };
        String type = refusal.reason() == KeyRefusal.Reason.TOKENS_PER_DAY ? "tokens" : "requests";
        ApiError.discardBody(request, response);
        new ApiError(429, type, "rate_limit_exceeded", null, message).write(response);
    }

    /** {@code 5 h 12 min}, {@code 12 min}, {@code 40 s}. */
    private static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = (seconds + 59) / 60;
        return minutes < 60 ? minutes + " min" : minutes / 60 + " h " + minutes % 60 + " min";
    }

    /**
     * The APIs for other programs, which need no page secret (only a key off loopback): OpenAI's ({@code /v1}),
     * Ollama's ({@code /ollama}) and {@code /health}.
     */
    static boolean isApi(String path) {
        return path.startsWith("/v1/") || path.equals("/v1") || path.startsWith("/ollama/") || path.equals("/ollama")
                || path.equals("/health");
    }

    /**
     * Ollama's own clients (ollama4j's {@code embed()}, for one) post JSON without a {@code Content-Type}, which Ollama
     * accepts. On the Ollama API only, a body with no type at all passes when nothing says a browser sent it: a
     * browser sends {@code Origin} with every POST and {@code Sec-Fetch-Site} with every request, and another site's
     * page cannot leave them out. A declared type other than JSON is still refused, and the body is still parsed as
     * JSON (a 400 otherwise).
     */
    static boolean untypedFromAProgram(HttpServletRequest request, String origin) {
        return request.getContentType() == null && origin == null && request.getHeader("Sec-Fetch-Site") == null
                && path(request).startsWith("/ollama/");
    }

    /** The path the container routed, decoded (as the servlets see it). */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        String path = request.getContextPath() + servletPath + info;
        return path.isEmpty() ? "/" : path;
    }

    /**
     * A request of the page itself: no {@code Origin} (not a browser, or a same-origin GET), or the origin of the
     * {@code Host} it was sent to (already checked to be this server); browsers that say the request is cross-site
     * are believed.
     */
    private static boolean ownOrigin(String origin, String host, String fetchSite) {
        if (fetchSite != null && (fetchSite.equals("cross-site") || fetchSite.equals("same-site"))) {
            return false;
        }
        return origin == null || origin.equalsIgnoreCase("http://" + host);
    }

    /** Every body that can change something is JSON: a POST, PUT or PATCH, or a DELETE that carries one. */
    private static boolean needsJson(HttpServletRequest request) {
        String method = request.getMethod();
        if (method.equals("DELETE")) {
            return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        }
        return true;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json");
    }

    private boolean keyRequired(HttpServletRequest request) {
        return server.listensBeyondLoopback() || !Endpoints.isLoopback(request.getRemoteAddr())
                || forwarded(request) || server.config().requireKeys() && isApi(path(request));
    }

    /**
     * A request a reverse proxy passed on: it comes from loopback (the proxy) but on behalf of someone else, so it is
     * treated as coming from another machine.
     */
    static boolean forwarded(HttpServletRequest request) {
        return request.getHeader("Forwarded") != null || request.getHeader("X-Forwarded-For") != null
                || request.getHeader("X-Real-IP") != null;
    }

    private String cookieName(HttpServletRequest request) {
        // Cookies ignore ports: two servers on one machine must not overwrite each other's.
        return COOKIE_PREFIX + request.getLocalPort();
    }

    private boolean hasPageToken(HttpServletRequest request) {
        if (request.getHeader(PAGE_HEADER) == null) {
            return false;
        }
        Cookie[] cookies = request.getCookies();
        String name = cookieName(request);
        for (Cookie cookie : cookies == null ? new Cookie[0] : cookies) {
            if (name.equals(cookie.getName()) && sameSecret(cookie.getValue(), server.pageToken())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The page opened with its address ({@code ?token=}): the secret becomes a cookie and the browser goes to the
     * same page without it, so that the secret is neither in the history nor shown.
     */
    private boolean handOver(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String query = request.getQueryString();
        if (query == null || !query.startsWith("token=")) {
            return false;
        }
        if (sameSecret(query.substring(6), server.pageToken())) {
            response.addHeader("Set-Cookie", cookieName(request) + "=" + server.pageToken()
                    + "; Path=/; HttpOnly; SameSite=Strict");
        }
        response.setStatus(303);
        response.setHeader("Location", request.getRequestURI());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(0);
        return true;
    }

    private static boolean sameSecret(String given, String secret) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Refuses before the request's body is read: what it holds is dropped first, so its connection stays usable. */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String code,
            String message) throws IOException {
        ApiError.discardBody(request, response);
        new ApiError(status, "invalid_request_error", code, null, message).write(response);
    }

    static String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        return request.getHeader("X-Api-Key");
    }
}

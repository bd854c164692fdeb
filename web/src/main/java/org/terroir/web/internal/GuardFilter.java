package org.terroir.web.internal;

import java.io.IOException;
import java.util.List;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterPattern;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.Endpoints;

/**
 * In front of {@code /v1/} and {@code /api/}: answers CORS for the configured origins only, and asks for an API key
 * when the server listens beyond loopback (or the request came from another machine).
 */
@Component(service = Filter.class)
@HttpWhiteboardFilterPattern({ "/v1/*", "/api/*" })
public class GuardFilter implements Filter {
    @Reference
    private WebServerInfo server;

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String origin = request.getHeader("Origin");
        boolean corsAllowed = origin != null && List.of(server.config().corsOrigins()).contains(origin);
        if (corsAllowed) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Vary", "Origin");
            response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
            response.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        }
        if ("OPTIONS".equals(request.getMethod())) {
            response.setStatus(corsAllowed ? 204 : 403);
            return;
        }
        if (keyRequired(request) && !server.keys().verify(bearer(request))) {
            String header = request.getHeader("Authorization");
            new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                    Texts.get(header == null ? "error.key.missing" : "error.key.wrong")).write(response);
            return;
        }
        chain.doFilter(req, res);
    }

    private boolean keyRequired(HttpServletRequest request) {
        return server.listensBeyondLoopback() || !Endpoints.isLoopback(request.getRemoteAddr());
    }

    static String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        // The page's event streams cannot set headers; it may pass the key as a parameter instead.
        return request.getHeader("X-Api-Key");
    }
}

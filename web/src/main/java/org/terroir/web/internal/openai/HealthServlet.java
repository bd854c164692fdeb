package org.terroir.web.internal.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.terroir.api.inference.LoadingModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;

/**
 * {@code GET /health} (also {@code /v1/health}), as llama-server answers it: 200 {@code {"status":"ok"}} when a
 * model backend is ready to load and run models, 503 {@code {"error":{"code":503,"message","type":"unavailable_error"}}}
 * while the platform is still starting. Models load on demand, so a server with none loaded is ready; the models
 * loading now are named in {@code "loading"} (model, progress 0–1 or -1 when the backend does not tell).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/health")
public class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Reference
    private transient ModelManager manager;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            new ApiError(405, "invalid_request_error", "unknown_url", null,
                    Texts.get("error.url", request.getMethod(), request.getRequestURI())).write(response);
            return;
        }
        answer(manager, response);
    }

    static void answer(ModelManager manager, HttpServletResponse response) throws IOException {
        Object body;
        if (manager.backends().isEmpty()) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", 503);
            error.put("message", Texts.get("error.health.loading"));
            error.put("type", "unavailable_error");
            body = Map.of("error", error);
            response.setStatus(503);
        } else {
            // Ready: models load on demand. Those loading now are named, with how far along each is (0–1, or -1).
            List<Map<String, Object>> loading = new ArrayList<>();
            for (LoadingModel m : manager.loading()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("model", m.name());
                one.put("progress", m.progress());
                loading.add(one);
            }
            body = loading.isEmpty() ? Map.of("status", "ok") : Map.of("status", "ok", "loading", loading);
            response.setStatus(200);
        }
        byte[] bytes = Json.OPENAI.toJson(body).getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}

package org.terroir.web.internal.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.terroir.web.internal.Json;

/**
 * A failure answered with OpenAI's error object: {@code {"error":{"message","type","param","code"}}} and its HTTP
 * status. Thrown anywhere in a request; the servlet writes it.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public static ApiError badRequest(String code, String param, String message) {
        return new ApiError(400, "invalid_request_error", code, param, message);
    }

    /**
     * A message fit for a client: its first line, at most 300 characters. Messages from deeper down (a backend, a
     * worker) may hold log lines or paths; the log file has the rest.
     */
    public static String shortMessage(String message) {
        if (message == null || message.isBlank()) {
            return "";
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** The error object, as OpenAI writes it. */
    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Map.of("error", error);
    }

    /**
     * Asks the client to close its connection after this answer when the request carries a body that an error may
     * leave unread (a refusal answers before reading it): the server cannot reuse such a connection and closes it, and
     * a client that sent its next request on it would read nothing back.
     */
    public static void closeAfter(HttpServletRequest request, HttpServletResponse response) {
        if (!response.isCommitted()
                && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)) {
            response.setHeader("Connection", "close");
        }
    }

    /** Writes it, unless the response is already under way (then nothing can be said in HTTP terms). */
    public void write(HttpServletResponse response) throws IOException {
        write(response, body());
    }

    /** Writes it with another dialect's error object ({@code errorBody}), unless the response is under way. */
    public void write(HttpServletResponse response, Object errorBody) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        // A known length: the client reads the whole answer even when the connection closes right after it.
        byte[] bytes = Json.OPENAI.toJson(errorBody).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }
}

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

    /** The most of an unread request body read and dropped before a refusal, so that the connection stays usable. */
    static final long DISCARD_LIMIT = 1024 * 1024;

    /**
     * Before an error answer: reads and drops what the request's body still holds, up to {@link #DISCARD_LIMIT}, so
     * that the connection can carry the client's next request (the guard refuses before reading a body; a server
     * that closed a connection with the body still arriving would also make the client's TCP stack discard the
     * answer). A larger or unreadable body gets {@code Connection: close} instead: the client is told not to reuse it.
     */
    public static void discardBody(HttpServletRequest request, HttpServletResponse response) {
        long length = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (response.isCommitted() || length == 0 || length < 0 && !chunked) {
            return;
        }
        if (length > 0 && length <= DISCARD_LIMIT) {
            try {
                java.io.InputStream in = request.getInputStream();
                byte[] buffer = new byte[8192];
                long left = DISCARD_LIMIT;
                int n;
                while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                    left -= n;
                }
                return;
            } catch (IOException | IllegalStateException e) {
                // the client left, or the body was read as text already: nothing more to save
            }
        }
        response.setHeader("Connection", "close");
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

package org.terroir.web.internal.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import javax.servlet.http.HttpServletResponse;

/**
 * A server-sent event stream. Every event is flushed at once; a failed write means the client went away, which
 * {@link #write} reports as an {@link IOException} (bytes go through the output stream, which throws, unlike a writer).
 */
public final class Sse {
    private final HttpServletResponse response;
    private final OutputStream out;

    public Sse(HttpServletResponse response) throws IOException {
        this.response = response;
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        this.out = response.getOutputStream();
        response.flushBuffer();
    }

    /** {@code data: <json>} and a blank line. */
    public void data(String json) throws IOException {
        write("data: " + json + "\n\n");
    }

    /** A named event: {@code event: <name>} then {@code data: <json>}. */
    public void event(String name, String json) throws IOException {
        write("event: " + name + "\ndata: " + json + "\n\n");
    }

    /** The end of an OpenAI stream. */
    public void done() throws IOException {
        write("data: [DONE]\n\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

package org.terroir.web.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.terroir.web.internal.Texts;

/** Reads a request body without ever holding more than the limit: a client cannot fill the memory. */
public final class BoundedBody {
    static final long DRAIN_CAP = 16L * 1024 * 1024;

    private BoundedBody() {
    }

    /**
     * The body as UTF-8 text.
     *
     * @param declaredLength the Content-Length header, or -1
     * @throws ApiError 413 when the body is larger than {@code limit}
     */
    public static String read(InputStream in, long declaredLength, long limit) throws IOException {
        if (declaredLength > limit) {
            throw tooLarge(limit);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                (int) Math.min(Math.max(declaredLength, 1024), Math.min(limit, 1 << 20)));
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0;) {
            total += n;
            if (total > limit) {
                drain(in, limit);
                throw tooLarge(limit);
            }
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads and drops what follows (up to {@value #DRAIN_CAP} bytes) so that the client, still sending, can read the
     * 413 instead of a broken connection. Nothing is kept: this costs bandwidth, never memory.
     */
    private static void drain(InputStream in, long limit) {
        byte[] sink = new byte[64 * 1024];
        long dropped = 0;
        try {
            for (int n; dropped < DRAIN_CAP && (n = in.read(sink)) >= 0;) {
                dropped += n;
            }
        } catch (IOException e) {
            // The client gave up: nothing more to do.
        }
    }

    private static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null,
                Texts.get("error.tooLarge", limit / (1024 * 1024.0)));
    }
}

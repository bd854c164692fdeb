package org.terroir.web.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BoundedBodyTest {
    @Test
    void readsUpToTheLimit() throws Exception {
        byte[] body = "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("{\"a\":\"é\"}", BoundedBody.read(new ByteArrayInputStream(body), body.length, body.length));
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
        InputStream never = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("nothing is read");
            }
        };
        ApiError e = assertThrows(ApiError.class, () -> BoundedBody.read(never, 5000, 4096));
        assertEquals(413, e.status());
    }

    @Test
    void anUndeclaredBodyIsCutAtTheLimitAndTheRestDropped() {
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[100_000]);
        ApiError e = assertThrows(ApiError.class, () -> BoundedBody.read(in, -1, 4096));
        assertEquals(413, e.status());
        assertEquals("request_too_large", e.code());
        assertEquals(0, in.available(), "drained so that the client can read the answer");
    }

    @Test
    void loopbackIsRecognisedWithoutLookingNamesUp() {
        assertTrue(Endpoints.isLoopback("127.0.0.1"));
        assertTrue(Endpoints.isLoopback("127.4.5.6"));
        assertTrue(Endpoints.isLoopback("[::1]"));
        assertTrue(Endpoints.isLoopback("0:0:0:0:0:0:0:1"));
        assertTrue(Endpoints.isLoopback("localhost"));
        assertEquals(false, Endpoints.isLoopback("0.0.0.0"));
        assertEquals(false, Endpoints.isLoopback("192.168.1.10"));
        assertEquals(false, Endpoints.isLoopback("example.org"));
        assertEquals(8181, Endpoints.port("http://127.0.0.1:8181/"));
    }
}

package org.terroir.itest.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket to 127.0.0.1, so that a test sends exactly what an attacker would: any
 * {@code Host}, any {@code Origin}, any bytes (the JDK's client refuses to set {@code Host}). One request per
 * connection; the answer is read until the server closes or its length is reached, within a time limit.
 */
final class RawHttp {
    record Answer(int status, Map<String, String> headers, String body, long millis) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** A request with these headers (Host included, as given) and body; Content-Length is added for a body. */
    static Answer send(int port, String method, String path, Map<String, String> headers, byte[] body,
            int timeoutMillis) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // The server answered before reading everything (a 413): its answer may still be there.
            }
            return read(socket.getInputStream(), start);
        }
    }

    static Answer send(int port, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        return send(port, method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8), 10_000);
    }

    /** Headers in the order given. */
    static Map<String, String> headers(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static Answer read(InputStream in, long start) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        long length = -1;
        for (int n; (n = in.read(buffer)) >= 0;) {
            bytes.write(buffer, 0, n);
            byte[] all = bytes.toByteArray();
            if (headEnd < 0) {
                headEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                if (headEnd >= 0) {
                    String head = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                    for (String line : head.split("\r\n")) {
                        if (line.startsWith("content-length:")) {
                            length = Long.parseLong(line.substring(15).strip());
                        }
                    }
                }
            }
            if (headEnd >= 0 && length >= 0 && all.length >= headEnd + 4 + length) {
                break;
            }
        }
        byte[] all = bytes.toByteArray();
        if (headEnd < 0) {
            throw new IOException("no HTTP answer: " + new String(all, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
        }
        String body = new String(all, headEnd + 4, all.length - headEnd - 4, StandardCharsets.UTF_8);
        return new Answer(status, headers, body, (System.nanoTime() - start) / 1_000_000);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer: for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

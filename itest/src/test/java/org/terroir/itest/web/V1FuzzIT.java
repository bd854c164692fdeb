package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.LoadOptions;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * Broken and hostile {@code /v1} bodies against a real model (llama.cpp, a generated tiny model): truncated JSON, deep
 * nesting, huge and odd numbers, wrong types, invalid UTF-8, huge stop lists, garbage. A fixed number of requests from
 * a fixed seed; none may answer 500 or take more than a few seconds (generations are bounded by
 * {@code maxGenerationSeconds=3}), and the server still serves afterwards.
 */
class V1FuzzIT {
    private static final int ROUNDS = 12;
    private static final long LIMIT_MILLIS = 5000;

    @TempDir
    static Path dir;
    static WebPlatform web;
    static String model;

    @BeforeAll
    static void boot() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        // A body that loses its max_tokens generates up to the context: the configured time limit bounds it.
        Files.writeString(home.resolve("conf/org.terroir.web.cfg"), "maxGenerationSeconds=3\n");
        web = WebPlatform.start(home);
        Path file = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(file);
        web.models().load(file.toString(), LoadOptions.defaults().withContextLength(256).withThreads(2));
        model = web.models().loaded().get(0).id();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    private static String valid(Random r) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Bonjour " + r.nextInt(1000) + "\"}],\"max_tokens\":4,"
                + "\"temperature\":0.7,\"top_p\":0.9,\"seed\":" + r.nextInt(100) + ",\"stop\":[\"\\n\\n\"]}";
    }

    private static final String[] ODD_NUMBERS = { "1e400", "-1e400", "1e-400", "1e-320", "-0", "-0.0", "0",
        "123456789012345678901234567890", "1e999999999", "-1e999999999", "1e-999999999", "NaN", "Infinity",
        "-Infinity", "0.5e2147483648", "4.9e-324", "1.7976931348623157e308", "-1", "2147483648", "9223372036854775808" };
    private static final String[] FIELDS = { "model", "messages", "max_tokens", "max_completion_tokens",
        "temperature", "top_p", "seed", "stop", "stream", "stream_options", "n" };
    private static final String[] ODD_VALUES = { "null", "true", "false", "\"\"", "\"x\"", "[]", "{}", "[[]]",
        "[null]", "{\"a\":1}", "-1", "1.5", "\"\\u0000\"", "\"\\ud800\"", "[1,2,3]", "[{\"role\":1}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]", "[{\"role\":\"tool\",\"content\":\"x\"}]",
        "{\"include_usage\":\"yes\"}" };

    @Test
    void noBodyGetsA500OrTakesMoreThanAFewSeconds() throws Exception {
        Random r = new Random(20261202);
        Map<String, Supplier<byte[]>> kinds = new TreeMap<>();
        kinds.put("truncated", () -> {
            String v = valid(r);
            return utf8(v.substring(0, r.nextInt(v.length())));
        });
        kinds.put("deep nesting", () -> {
            int depth = new int[] { 1000, 100_000, 1_000_000 }[r.nextInt(3)];
            String open = r.nextBoolean() ? "[" : "{\"a\":";
            String inner = open.repeat(depth);
            return utf8(r.nextBoolean() ? inner : "{\"model\":\"" + model + "\",\"messages\":" + inner);
        });
        kinds.put("odd numbers", () -> {
            String field = new String[] { "max_tokens", "temperature", "top_p", "seed", "n",
                "max_completion_tokens" }[r.nextInt(6)];
            return utf8(withField(valid(r), field, ODD_NUMBERS[r.nextInt(ODD_NUMBERS.length)]));
        });
        kinds.put("wrong types", () -> utf8(withField(valid(r), FIELDS[r.nextInt(FIELDS.length)],
                ODD_VALUES[r.nextInt(ODD_VALUES.length)])));
        kinds.put("invalid utf-8", () -> {
            byte[] v = utf8(valid(r));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = v.length / 2 + r.nextInt(v.length / 2);
            out.write(v, 0, at);
            byte[][] bad = { { (byte) 0xC0, (byte) 0x80 }, { (byte) 0xFF }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
                { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 }, { (byte) 0x80 }, { 0 } };
            byte[] b = bad[r.nextInt(bad.length)];
            out.write(b, 0, b.length);
            out.write(v, at, v.length - at);
            return out.toByteArray();
        });
        kinds.put("huge stop lists", () -> {
            int n = new int[] { 5, 1000, 100_000 }[r.nextInt(3)];
            int length = new int[] { 1, 300, 1_000_000 }[r.nextInt(3)];
            StringBuilder stops = new StringBuilder("[");
            for (int i = 0; i < n && stops.length() < 3_000_000; i++) {
                stops.append(i == 0 ? "" : ",").append('"').append("s".repeat(Math.min(length, 3_000_000 / n + 1)))
                        .append('"');
            }
            return utf8(withField(valid(r), "stop", stops.append(']').toString()));
        });
        kinds.put("garbage", () -> {
            byte[] b = new byte[r.nextInt(5000)];
            r.nextBytes(b);
            return b;
        });
        kinds.put("many messages", () -> {
            StringBuilder m = new StringBuilder("[");
            int n = new int[] { 100, 10_000, 100_000 }[r.nextInt(3)];
            for (int i = 0; i < n; i++) {
                m.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"x\"}");
            }
            return utf8(withField(valid(r), "messages", m.append(']').toString()));
        });
        kinds.put("over the size limit", () -> utf8(withField(valid(r), "stop", "\"" + "s".repeat(5_000_000) + "\"")));

        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, Supplier<byte[]>> kind : kinds.entrySet()) {
                byte[] body = kind.getValue().get();
                String path = r.nextInt(4) == 0 ? "/v1/completions" : "/v1/chat/completions";
                if (path.equals("/v1/completions")) {
                    body = new String(body, StandardCharsets.UTF_8).replace("\"messages\":", "\"prompt\":")
                            .getBytes(StandardCharsets.UTF_8);
                }
                RawHttp.Answer a;
                try {
                    a = RawHttp.send(web.port, "POST", path, RawHttp.headers("Host", "127.0.0.1:" + web.port,
                            "Content-Type", "application/json"), body, (int) LIMIT_MILLIS * 2);
                } catch (java.io.IOException e) {
                    failures.add(kind.getKey() + ": no answer (" + e + ")");
                    continue;
                }
                sent++;
                report.add(kind.getKey() + " " + path + " " + body.length + " B → " + a.status() + " in " + a.millis()
                        + " ms");
                if (a.status() >= 500 || a.millis() > LIMIT_MILLIS) {
                    failures.add(kind.getKey() + " (" + body.length + " B, " + preview(body) + "): " + a.status() + " in "
                            + a.millis() + " ms: " + a.body().substring(0, Math.min(300, a.body().length())));
                }
                if (a.status() != 200 && a.status() != 413) {
                    assertTrue(a.body().contains("\"error\""), kind.getKey() + ": " + a.body());
                }
            }
        }
        report.forEach(line -> System.out.println("fuzz: " + line));
        assertTrue(failures.isEmpty(), failures.size() + " of " + sent + ":\n" + String.join("\n", failures));
        assertTrue(sent == ROUNDS * kinds.size(), "sent " + sent);
        // top_p the field check and the sampler used to disagree on (500): the likeliest token, an answer.
        for (String topP : List.of("-0", "1e-320", "0")) {
            RawHttp.Answer a = RawHttp.send(web.port, "POST", "/v1/chat/completions", RawHttp.headers("Host",
                    "127.0.0.1:" + web.port, "Content-Type", "application/json"), withField(valid(r), "top_p", topP));
            assertTrue(a.status() == 200 && a.body().contains("chat.completion"), "top_p " + topP + ": " + a.body());
        }
        RawHttp.Answer after = RawHttp.send(web.port, "POST", "/v1/chat/completions",
                RawHttp.headers("Host", "127.0.0.1:" + web.port, "Content-Type", "application/json"), valid(r));
        assertTrue(after.status() == 200 && after.body().contains("chat.completion"), "still serving: " + after.body());
    }

    private static String preview(byte[] body) {
        String s = new String(body, 0, Math.min(80, body.length), StandardCharsets.UTF_8);
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The body with one field set to a raw JSON value (replacing it when present). */
    private static String withField(String json, String field, String raw) {
        String key = "\"" + field + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return json.substring(0, json.length() - 1) + "," + key + raw + "}";
        }
        int start = at + key.length();
        int end = valueEnd(json, start);
        return json.substring(0, start) + raw + json.substring(end);
    }

    private static int valueEnd(String json, int start) {
        int depth = 0;
        boolean string = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (string) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    string = false;
                }
            } else if (c == '"') {
                string = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

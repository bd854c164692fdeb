package org.terroir.web.internal.openai;

import java.util.ArrayList;
import java.util.List;

import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/** Typed reads of request fields: each wrong type or missing field becomes a 400 that names the field. */
public final class Fields {
    private Fields() {
    }

    public static JsonObject parseObject(String body) {
        JsonElement root;
        try {
            root = JsonParser.parseString(body);
        } catch (JsonParseException | IllegalStateException e) {
            throw ApiError.badRequest("invalid_json", null, Texts.get("error.json", shortReason(e)));
        }
        if (root == null || !root.isJsonObject()) {
            throw ApiError.badRequest("invalid_json", null, Texts.get("error.json.object"));
        }
        return root.getAsJsonObject();
    }

    private static String shortReason(Exception e) {
        String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : String.valueOf(e.getMessage());
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    public static boolean present(JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull();
    }

    public static String requiredString(JsonObject o, String name) {
        if (!present(o, name)) {
            throw missing(name);
        }
        String value = string(o, name, null);
        if (value.isBlank()) {
            throw ApiError.badRequest("invalid_value", name, Texts.get("error.field.empty", name));
        }
        return value;
    }

    public static String string(JsonObject o, String name, String fallback) {
        if (!present(o, name)) {
            return fallback;
        }
        JsonElement e = o.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrongType(name, "string");
        }
        return e.getAsString();
    }

    public static Integer integer(JsonObject o, String name, int min, int max) {
        if (!present(o, name)) {
            return null;
        }
        JsonElement e = o.get(name);
        if (!isNumber(e)) {
            throw wrongType(name, "integer");
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d)) {
            throw wrongType(name, "integer");
        }
        if (d < min || d > max) {
            throw outOfRange(name, min, max);
        }
        return (int) d;
    }

    public static Long longInteger(JsonObject o, String name) {
        if (!present(o, name)) {
            return null;
        }
        JsonElement e = o.get(name);
        if (!isNumber(e)) {
            throw wrongType(name, "integer");
        }
        try {
            return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
        } catch (ArithmeticException | NumberFormatException x) {
            throw wrongType(name, "integer");
        }
    }

    public static Float number(JsonObject o, String name, double min, double max) {
        if (!present(o, name)) {
            return null;
        }
        JsonElement e = o.get(name);
        if (!isNumber(e)) {
            throw wrongType(name, "number");
        }
        double d = e.getAsDouble();
        if (!(d >= min && d <= max)) {
            throw outOfRange(name, min, max);
        }
        return (float) d;
    }

    public static boolean bool(JsonObject o, String name, boolean fallback) {
        if (!present(o, name)) {
            return fallback;
        }
        JsonElement e = o.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw wrongType(name, "boolean");
        }
        return e.getAsBoolean();
    }

    /** A string or an array of strings (as {@code stop} and {@code input} are). */
    public static List<String> strings(JsonObject o, String name, int maxItems) {
        if (!present(o, name)) {
            return List.of();
        }
        JsonElement e = o.get(name);
        List<String> values = new ArrayList<>();
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            values.add(e.getAsString());
        } else if (e.isJsonArray()) {
            for (JsonElement item : e.getAsJsonArray()) {
                if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
                    throw wrongType(name, "string or array of strings");
                }
                values.add(item.getAsString());
            }
        } else {
            throw wrongType(name, "string or array of strings");
        }
        if (values.size() > maxItems) {
            throw ApiError.badRequest("invalid_value", name, Texts.get("error.field.tooMany", name, maxItems));
        }
        return values;
    }

    public static JsonArray array(JsonObject o, String name) {
        if (!present(o, name)) {
            throw missing(name);
        }
        JsonElement e = o.get(name);
        if (!e.isJsonArray()) {
            throw wrongType(name, "array");
        }
        return e.getAsJsonArray();
    }

    private static boolean isNumber(JsonElement e) {
        return e.isJsonPrimitive() && ((JsonPrimitive) e).isNumber();
    }

    public static ApiError missing(String name) {
        return ApiError.badRequest("missing_required_parameter", name, Texts.get("error.field.missing", name));
    }

    public static ApiError wrongType(String name, String type) {
        return ApiError.badRequest("invalid_type", name, Texts.get("error.field.type", name, type));
    }

    private static ApiError outOfRange(String name, Object min, Object max) {
        return ApiError.badRequest("invalid_value", name, Texts.get("error.field.range", name, min, max));
    }

    /** Highest {@code top_k} accepted (llama.cpp's vocabularies are below 300 000 tokens; more means all). */
    public static final int MAX_TOP_K = 1_000_000;

    /** A string field that must be there ({@code where.key} in the error when it is not). */
    public static String required(JsonObject o, String key, String where) {
        String value = present(o, key) ? string(o, key, null) : null;
        if (value == null) {
            throw missing(where + "." + key);
        }
        return value;
    }

    /**
     * {@code temperature} (0 to {@code maxTemperature}: 2 for OpenAI's dialects, 1 for Anthropic's) and
     * {@code top_p} (0–1) from {@code o} onto {@code sampling}, as every dialect names them.
     */
    public static org.terroir.api.inference.Sampling temperatureAndTopP(JsonObject o,
            org.terroir.api.inference.Sampling sampling, double maxTemperature) {
        Float temperature = number(o, "temperature", 0, maxTemperature);
        if (temperature != null) {
            sampling = sampling.withTemperature(temperature);
        }
        Float topP = number(o, "top_p", 0, 1);
        if (topP != null) {
            // 0, -0 and values too small for a float (1e-320) all mean "the likeliest token only": the samplers
            // want a positive value, so they get the smallest one.
            sampling = sampling.withTopP(topP > 0 ? topP : Float.MIN_NORMAL);
        }
        return sampling;
    }

    /**
     * The sampling fields both dialects name alike — temperature (0–2), top_p (0–1), top_k (0–1e6), min_p (0–1),
     * repeat_penalty (0.01–10), presence_penalty and frequency_penalty (-2–2), seed, stop (at most
     * {@code maxStops}, each non-empty and at most {@code maxStopLength} characters) — read from {@code o} onto
     * {@code sampling}; {@code where} prefixes the field names in errors (e.g. "options." for Ollama).
     */
    public static org.terroir.api.inference.Sampling commonSampling(JsonObject o,
            org.terroir.api.inference.Sampling sampling, String where, int maxStops, int maxStopLength) {
        sampling = temperatureAndTopP(o, sampling, 2);
        Long seed = longInteger(o, "seed");
        if (seed != null) {
            sampling = sampling.withSeed(seed);
        }
        Integer topK = integer(o, "top_k", 0, MAX_TOP_K);
        if (topK != null) {
            sampling = sampling.withTopK(topK);
        }
        Float minP = number(o, "min_p", 0, 1);
        if (minP != null) {
            sampling = sampling.withMinP(minP);
        }
        Float repeat = number(o, "repeat_penalty", 0.01, 10);
        if (repeat != null) {
            sampling = sampling.withRepeatPenalty(repeat);
        }
        Float presence = number(o, "presence_penalty", -org.terroir.api.inference.Sampling.MAX_PENALTY,
                org.terroir.api.inference.Sampling.MAX_PENALTY);
        if (presence != null) {
            sampling = sampling.withPresencePenalty(presence);
        }
        Float frequency = number(o, "frequency_penalty", -org.terroir.api.inference.Sampling.MAX_PENALTY,
                org.terroir.api.inference.Sampling.MAX_PENALTY);
        if (frequency != null) {
            sampling = sampling.withFrequencyPenalty(frequency);
        }
        java.util.List<String> stop = strings(o, "stop", maxStops);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw org.terroir.web.internal.http.ApiError.badRequest("invalid_value", where + "stop",
                    org.terroir.web.internal.Texts.get("error.field.empty", where + "stop"));
        }
        if (stop.stream().anyMatch(x -> x.length() > maxStopLength)) {
            throw org.terroir.web.internal.http.ApiError.badRequest("invalid_value", where + "stop",
                    org.terroir.web.internal.Texts.get("error.stop.long", maxStopLength));
        }
        return sampling.withStop(stop);
    }
}

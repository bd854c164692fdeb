package org.terroir.web.internal.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.terroir.api.web.ApiKey;
import org.terroir.api.web.ApiKeys;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.KeyLimits;
import org.terroir.api.web.KeyUsage;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The page's "Members and keys" view and its changes ({@code /api/keys-create}, {@code /api/keys-limits}), reached
 * only with the page's own secret: a member's key never opens {@code /api} (the guard asks for the page's secret).
 */
public final class KeysAdmin {
    private KeysAdmin() {
    }

    /** Every key with its limits, expiry and usage, as the page shows them. */
    public static List<Map<String, Object>> view(List<ApiKey> keys) {
        Instant now = Instant.now();
        LocalDate today = LocalDate.now();
        return keys.stream().map(k -> view(k, now, today)).toList();
    }

    private static Map<String, Object> view(ApiKey k, Instant now, LocalDate today) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("label", k.label());
        m.put("hint", k.hint());
        m.put("created", k.created());
        if (k.expires() != null) {
            m.put("expires", LocalDate.ofInstant(k.expires(), ZoneId.systemDefault()).toString());
        }
        m.put("expired", k.expiredAt(now));
        KeyLimits l = k.limits();
        m.put("rpm", l.requestsPerMinute());
        m.put("tokensPerDay", l.tokensPerDay());
        m.put("maxConcurrent", l.maxConcurrent());
        KeyUsage u = k.usage();
        m.put("requests", u.requests());
        m.put("promptTokens", u.promptTokens());
        m.put("completionTokens", u.completionTokens());
        m.put("tokensToday", u.tokensOn(today));
        m.put("energyWh", u.energyJoules() / 3600.0);
        if (u.lastUsed() != null) {
            m.put("lastUsed", u.lastUsed());
        }
        return m;
    }

    /** Creates a key from the page's form: label, optional rpm, tokensPerDay, maxConcurrent, expires (YYYY-MM-DD). */
    public static Map<String, Object> create(ApiKeys keys, JsonObject body, Locale locale) {
        String label = string(body, "label", locale);
        if (label == null || label.isBlank()) {
            throw ApiError.badRequest("missing_required_parameter", "label",
                    Texts.get(locale, "error.field.missing", "label"));
        }
        CreatedKey created = keys.create(label.strip(), limits(body, KeyLimits.NONE, locale),
                expires(body, null, locale));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("key", view(created.key(), Instant.now(), LocalDate.now()));
        answer.put("secret", created.secret());
        return answer;
    }

    /** Changes a key's limits and expiry; the fields not sent stay as they are, {@code "expires": ""} removes it. */
    public static Map<String, Object> update(ApiKeys keys, JsonObject body, Locale locale) {
        String id = string(body, "id", locale);
        ApiKey current = keys.list().stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiError(404, "invalid_request_error", "key_not_found", "id",
                        Texts.get(locale, "error.key.unknown", String.valueOf(id))));
        ApiKey changed = keys.update(current.id(), limits(body, current.limits(), locale),
                expires(body, current.expires(), locale)).orElseThrow();
        return view(changed, Instant.now(), LocalDate.now());
    }

    private static KeyLimits limits(JsonObject body, KeyLimits base, Locale locale) {
        return new KeyLimits((int) number(body, "rpm", base.requestsPerMinute(), Integer.MAX_VALUE, locale),
                number(body, "tokensPerDay", base.tokensPerDay(), Long.MAX_VALUE / 2, locale),
                (int) number(body, "maxConcurrent", base.maxConcurrent(), 10_000, locale));
    }

    private static long number(JsonObject body, String name, long absent, long max, Locale locale) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            return absent;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiError.badRequest("invalid_type", name, Texts.get(locale, "error.field.type", name, "number"));
        }
        double v = e.getAsDouble();
        if (v != Math.rint(v) || v < 0 || v > max) {
            throw ApiError.badRequest("invalid_value", name, Texts.get(locale, "error.field.range", name, 0, max));
        }
        return (long) v;
    }

    private static Instant expires(JsonObject body, Instant absent, Locale locale) {
        if (!body.has("expires")) {
            return absent;
        }
        String day = string(body, "expires", locale);
        if (day == null || day.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(day.strip()).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("invalid_value", "expires", Texts.get(locale, "error.key.expiresFormat", day));
        }
    }

    private static String string(JsonObject body, String name, Locale locale) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive()) {
            throw ApiError.badRequest("invalid_type", name, Texts.get(locale, "error.field.type", name, "string"));
        }
        return e.getAsString();
    }
}

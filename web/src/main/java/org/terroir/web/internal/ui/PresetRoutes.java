package org.terroir.web.internal.ui;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.servlet.http.HttpServletResponse;

import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.Preset;
import org.terroir.api.chat.PresetStore;
import org.terroir.api.inference.Sampling;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The page's presets routes: every preset in the reader's language with {@code user} telling the user's own
 * (editable) ones, create, update, delete, export (a JSON file) and import (the file's text in a JSON body). The
 * store's refusals carry their message in the reader's language.
 */
final class PresetRoutes {
    /** Largest file text accepted for an import (the store refuses more than 1 MiB of its own). */
    static final int MAX_IMPORT_CHARS = 2 << 20;

    private PresetRoutes() {
    }

    static List<Map<String, Object>> list(ChatService chat, PresetStore store, Locale locale) {
        Set<String> mine = store == null ? Set.of()
                : store.list().stream().map(Preset::id).collect(Collectors.toSet());
        List<Map<String, Object>> all = new ArrayList<>();
        for (Preset p : chat.presets(locale)) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", p.id());
            view.put("name", p.name());
            view.put("description", p.description());
            view.put("systemPrompt", p.systemPrompt());
            view.put("category", p.category());
            view.put("example", p.example());
            view.put("sampling", p.sampling());
            view.put("user", mine.contains(p.id()));
            all.add(view);
        }
        return all;
    }

    /** A preset from the page's form: name, description, category, systemPrompt, example, temperature. */
    static Preset fromBody(JsonObject body, Preset base, Locale locale) {
        Sampling sampling = base == null || base.sampling() == null ? Sampling.defaults() : base.sampling();
        JsonElement t = body.get("temperature");
        if (t != null && !t.isJsonNull()) {
            if (!t.isJsonPrimitive() || !t.getAsJsonPrimitive().isNumber()) {
                throw ApiError.badRequest("invalid_type", "temperature",
                        Texts.get(locale, "error.field.type", "temperature", "number"));
            }
            sampling = sampling.withTemperature(t.getAsFloat());
        }
        return new Preset(null, string(body, "name", base == null ? null : base.name(), locale),
                string(body, "description", base == null ? null : base.description(), locale),
                string(body, "systemPrompt", base == null ? null : base.systemPrompt(), locale), sampling,
                string(body, "category", base == null ? null : base.category(), locale),
                string(body, "example", base == null ? null : base.example(), locale));
    }

    private static String string(JsonObject body, String name, String fallback, Locale locale) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive()) {
            throw ApiError.badRequest("invalid_type", name, Texts.get(locale, "error.field.type", name, "string"));
        }
        return e.getAsString();
    }

    static Preset create(PresetStore store, JsonObject body, Locale locale) {
        return store.create(fromBody(body, null, locale), locale);
    }

    static Preset update(PresetStore store, String id, JsonObject body, Locale locale) {
        Preset current = store.get(id).orElse(null);
        // an unknown or built-in id: the store says which, in the reader's language
        return store.update(id, fromBody(body, current, locale), locale);
    }

    /** The file, as a download: {@code ids} separated by commas, none for all the user's presets. */
    static void export(PresetStore store, String ids, Locale locale, HttpServletResponse response) throws IOException {
        List<String> wanted = ids == null || ids.isBlank() ? List.of()
                : Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        String json = store.export(wanted, locale);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        String name = wanted.size() == 1 ? wanted.get(0).replaceAll("[^A-Za-z0-9_-]", "") : "presets";
        response.setHeader("Content-Disposition", "attachment; filename=\"terroir-" + name + ".json\"");
        response.getWriter().write(json);
    }

    /** {@code {"data": "<the file's text>", "rename": true|false}}. */
    static Map<String, Object> importFile(PresetStore store, JsonObject body, Locale locale) {
        JsonElement data = body.get("data");
        if (data == null || !data.isJsonPrimitive()) {
            throw ApiError.badRequest("missing_required_parameter", "data",
                    Texts.get(locale, "error.field.missing", "data"));
        }
        String text = data.getAsString();
        if (text.length() > MAX_IMPORT_CHARS) {
            throw new ApiError(413, "invalid_request_error", "request_too_large", "data",
                    Texts.get(locale, "ui.presets.tooLarge", MAX_IMPORT_CHARS >> 20));
        }
        JsonElement rename = body.get("rename");
        boolean renameOnClash = rename != null && rename.isJsonPrimitive() && rename.getAsBoolean();
        return Map.of("imported", store.importJson(text, renameOnClash, locale));
    }
}

package org.terroir.chat.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.TerroirHome;
import org.terroir.api.chat.Preset;
import org.terroir.api.chat.PresetProvider;
import org.terroir.api.chat.PresetStore;
import org.terroir.api.inference.Sampling;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The user's presets, one JSON file each under {@code TERROIR_HOME/presets/} (folder 0700, files 0600, written to
 * a temporary file and moved into place, so that a crash never leaves half a preset). Registered as a
 * {@link PresetProvider} too, so that the chat service lists them after the built-in ones and conversations start
 * from them. Files are read at each call: one edited by hand is seen at once, one that cannot be read is skipped
 * (and logged).
 */
@Component(service = { PresetStore.class, PresetProvider.class }, configurationPid = "org.terroir.chat.presets")
public class UserPresetStore implements PresetStore, PresetProvider {
    private static final System.Logger LOG = System.getLogger(UserPresetStore.class.getName());
    /** The {@code format} of an exported file. */
    static final String FORMAT = "terroir-presets";
    static final int VERSION = 1;
    static final int MAX_IMPORT_CHARS = 1 << 20;
    static final int MAX_PRESETS_PER_FILE = 200;
    static final int MAX_NAME = 80;
    static final int MAX_DESCRIPTION = 300;
    static final int MAX_CATEGORY = 60;
    static final int MAX_SYSTEM = 8000;
    static final int MAX_EXAMPLE = 4000;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private Path dir;

    public UserPresetStore() {
    }

    /** A store in {@code dir} (tests). */
    UserPresetStore(Path dir) {
        this.dir = dir;
    }

    @Activate
    void activate() {
        dir = TerroirHome.root().resolve("presets");
    }

    Path folder() {
        return dir;
    }

    // ---- PresetProvider: the user's presets are the same in every language

    @Override
    public List<Preset> presets(Locale locale) {
        return list();
    }

    // ---- PresetStore

    @Override
    public synchronized List<Preset> list() {
        List<Preset> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                try {
                    JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
                    String id = file.getFileName().toString().replaceFirst("\\.json$", "");
                    all.add(read(e.getAsJsonObject(), 0, Locale.ENGLISH).withId(id));
                } catch (IOException | RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "preset file skipped: " + file + ": " + ex.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "presets folder unreadable: " + dir, e);
        }
        all.sort(Comparator.comparing((Preset p) -> p.name().toLowerCase(Locale.ROOT)).thenComparing(Preset::id));
        return all;
    }

    @Override
    public Optional<Preset> get(String id) {
        return id == null ? Optional.empty() : list().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    @Override
    public synchronized Preset create(Preset preset, Locale locale) {
        Preset clean = validated(preset, 0, locale);
        List<Preset> mine = list();
        refuseTakenName(clean.name(), null, mine, locale);
        String id = preset.id() == null || preset.id().isBlank() ? freeId(slug(clean.name()), mine) : preset.id();
        if (!id.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw invalid(locale, "preset.id.invalid", id);
        }
        if (Presets.IDS.contains(id) || mine.stream().anyMatch(p -> p.id().equals(id))) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.exists", text(locale, "preset.exists", id));
        }
        Preset stored = clean.withId(id);
        write(stored, locale);
        return stored;
    }

    @Override
    public synchronized Preset update(String id, Preset preset, Locale locale) {
        if (Presets.IDS.contains(id)) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.builtin", text(locale, "preset.builtin", id));
        }
        List<Preset> mine = list();
        if (mine.stream().noneMatch(p -> p.id().equals(id))) {
            throw unknown(id, locale);
        }
        Preset clean = validated(preset, 0, locale);
        refuseTakenName(clean.name(), id, mine, locale);
        Preset stored = clean.withId(id);
        write(stored, locale);
        return stored;
    }

    @Override
    public synchronized boolean delete(String id) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            return false;
        }
        try {
            return Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "preset.io", text(Locale.ENGLISH, "preset.io", e.getMessage()), e);
        }
    }

    @Override
    public String export(Collection<String> ids, Locale locale) {
        List<Preset> chosen = new ArrayList<>();
        if (ids == null || ids.isEmpty()) {
            chosen.addAll(list());
        } else {
            for (String id : new LinkedHashSet<>(ids)) {
                Optional<Preset> p = get(id);
                if (p.isEmpty()) {
                    p = Presets.find(id, locale);
                }
                chosen.add(p.orElseThrow(() -> unknown(id, locale)));
            }
        }
        JsonObject doc = new JsonObject();
        doc.addProperty("format", FORMAT);
        doc.addProperty("version", VERSION);
        JsonArray array = new JsonArray();
        chosen.forEach(p -> array.add(json(p)));
        doc.add("presets", array);
        return GSON.toJson(doc) + "\n";
    }

    @Override
    public synchronized List<Preset> importJson(String json, boolean renameOnClash, Locale locale) {
        if (json == null || json.isBlank()) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.empty", text(locale, "preset.import.empty"));
        }
        if (json.length() > MAX_IMPORT_CHARS) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.tooLarge",
                    text(locale, "preset.import.tooLarge", MAX_IMPORT_CHARS / 1024));
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.json", text(locale, "preset.import.json"));
        }
        List<JsonObject> items = new ArrayList<>();
        if (root.isJsonObject() && root.getAsJsonObject().has("presets")) {
            JsonObject doc = root.getAsJsonObject();
            JsonElement format = doc.get("format");
            if (format != null && !(format.isJsonPrimitive() && FORMAT.equals(format.getAsString()))) {
                throw shape(locale);
            }
            JsonElement version = doc.get("version");
            if (version != null && (!version.isJsonPrimitive() || !version.getAsJsonPrimitive().isNumber()
                    || version.getAsInt() > VERSION)) {
                throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.version",
                        text(locale, "preset.import.version", version.toString(), VERSION));
            }
            if (!doc.get("presets").isJsonArray()) {
                throw shape(locale);
            }
            for (JsonElement e : doc.getAsJsonArray("presets")) {
                if (!e.isJsonObject()) {
                    throw shape(locale);
                }
                items.add(e.getAsJsonObject());
            }
        } else if (root.isJsonObject() && root.getAsJsonObject().has("systemPrompt")) {
            items.add(root.getAsJsonObject());
        } else {
            throw shape(locale);
        }
        if (items.isEmpty()) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.none", text(locale, "preset.import.none"));
        }
        if (items.size() > MAX_PRESETS_PER_FILE) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.tooMany",
                    text(locale, "preset.import.tooMany", items.size(), MAX_PRESETS_PER_FILE));
        }
        // Everything is checked before anything is written: a file is taken whole or not at all.
        List<Preset> mine = new ArrayList<>(list());
        List<Preset> toWrite = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Preset p = validated(read(items.get(i), i + 1, locale), i + 1, locale);
            String name = p.name();
            if (nameTaken(name, null, mine)) {
                if (!renameOnClash) {
                    throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.clash",
                            text(locale, "preset.import.clash", name));
                }
                int n = 2;
                while (nameTaken(name + " (" + n + ")", null, mine)) {
                    n++;
                }
                name = name + " (" + n + ")";
                if (name.length() > MAX_NAME) {
                    throw invalidField(locale, i + 1, "name", "preset.field.long", MAX_NAME);
                }
            }
            Preset stored = p.withName(name).withId(freeId(slug(name), mine));
            mine.add(stored);
            toWrite.add(stored);
        }
        List<Preset> written = new ArrayList<>();
        try {
            for (Preset p : toWrite) {
                write(p, locale);
                written.add(p);
            }
        } catch (TerroirException e) {
            written.forEach(p -> delete(p.id()));
            throw e;
        }
        return toWrite;
    }

    // ---- validation

    /** The preset with its texts trimmed and its sampling filled in, or a refusal naming the field. */
    private static Preset validated(Preset p, int index, Locale locale) {
        if (p == null) {
            throw invalidField(locale, index, "name", "preset.field.missing");
        }
        String name = require(p.name(), "name", MAX_NAME, index, locale);
        String system = require(p.systemPrompt(), "systemPrompt", MAX_SYSTEM, index, locale);
        String description = optional(p.description(), "description", MAX_DESCRIPTION, index, locale);
        String category = optional(p.category(), "category", MAX_CATEGORY, index, locale);
        String example = p.example() == null ? "" : p.example();
        if (example.length() > MAX_EXAMPLE) {
            throw invalidField(locale, index, "example", "preset.field.long", MAX_EXAMPLE);
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw invalidField(locale, index, "name", "preset.field.control");
        }
        Sampling s = p.sampling() == null ? Sampling.defaults() : p.sampling();
        range(s.temperature(), 0, 2, "temperature", index, locale);
        range(s.topP(), 0, 1, "topP", index, locale);
        range(s.minP(), 0, 1, "minP", index, locale);
        range(s.repeatPenalty(), 0.5, 2, "repeatPenalty", index, locale);
        range(s.topK(), 0, 1000, "topK", index, locale);
        range(s.maxTokens(), 1, 32768, "maxTokens", index, locale);
        return new Preset(p.id(), name, description, system, s, category, example);
    }

    private static String require(String value, String field, int max, int index, Locale locale) {
        if (value == null || value.isBlank()) {
            throw invalidField(locale, index, field, "preset.field.missing");
        }
        return optional(value, field, max, index, locale);
    }

    private static String optional(String value, String field, int max, int index, Locale locale) {
        String v = value == null ? "" : value.strip();
        if (v.length() > max) {
            throw invalidField(locale, index, field, "preset.field.long", max);
        }
        return v;
    }

    private static void range(double v, double min, double max, String field, int index, Locale locale) {
        if (Double.isNaN(v) || v < min || v > max) {
            throw invalidField(locale, index, "sampling." + field, "preset.field.range", fmt(min), fmt(max));
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static void refuseTakenName(String name, String exceptId, List<Preset> mine, Locale locale) {
        if (nameTaken(name, exceptId, mine)) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.exists", text(locale, "preset.exists", name));
        }
    }

    /** A name used by another user preset, or by a built-in one in either language. */
    private static boolean nameTaken(String name, String exceptId, List<Preset> mine) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (Preset p : mine) {
            if (!p.id().equals(exceptId) && p.name().strip().toLowerCase(Locale.ROOT).equals(wanted)) {
                return true;
            }
        }
        for (Locale l : List.of(Locale.ENGLISH, Locale.FRENCH)) {
            for (Preset p : Presets.all(l)) {
                if (p.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String slug(String name) {
        String plain = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (plain.length() > 48) {
            plain = plain.substring(0, 48).replaceAll("-+$", "");
        }
        return plain.isEmpty() ? "preset" : plain;
    }

    /** {@code base}, or {@code base-2}, {@code base-3}… : never a built-in id nor one of the user's. */
    private static String freeId(String base, List<Preset> mine) {
        Set<String> taken = new HashSet<>(Presets.IDS);
        mine.forEach(p -> taken.add(p.id()));
        String id = base;
        for (int n = 2; taken.contains(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    // ---- JSON

    static JsonObject json(Preset p) {
        JsonObject o = new JsonObject();
        o.addProperty("name", p.name());
        o.addProperty("description", p.description());
        o.addProperty("category", p.category());
        o.addProperty("systemPrompt", p.systemPrompt());
        o.addProperty("example", p.example());
        Sampling s = p.sampling() == null ? Sampling.defaults() : p.sampling();
        JsonObject so = new JsonObject();
        so.addProperty("temperature", s.temperature());
        so.addProperty("topP", s.topP());
        so.addProperty("topK", s.topK());
        so.addProperty("minP", s.minP());
        so.addProperty("repeatPenalty", s.repeatPenalty());
        so.addProperty("maxTokens", s.maxTokens());
        o.add("sampling", so);
        return o;
    }

    /** A preset object of a file; {@code index} (from 1, 0 for a stored file) names it in errors. */
    private static Preset read(JsonObject o, int index, Locale locale) {
        Sampling s = Sampling.defaults();
        JsonElement se = o.get("sampling");
        if (se != null && !se.isJsonNull()) {
            if (!se.isJsonObject()) {
                throw invalidField(locale, index, "sampling", "preset.field.type", "object");
            }
            JsonObject so = se.getAsJsonObject();
            s = new Sampling((int) number(so, "maxTokens", s.maxTokens(), index, locale),
                    (float) number(so, "temperature", s.temperature(), index, locale),
                    (int) number(so, "topK", s.topK(), index, locale),
                    (float) number(so, "topP", s.topP(), index, locale),
                    (float) number(so, "minP", s.minP(), index, locale),
                    (float) number(so, "repeatPenalty", s.repeatPenalty(), index, locale), null, List.of());
        }
        return new Preset(null, string(o, "name", index, locale), string(o, "description", index, locale),
                string(o, "systemPrompt", index, locale), s, string(o, "category", index, locale),
                string(o, "example", index, locale));
    }

    private static String string(JsonObject o, String field, int index, Locale locale) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw invalidField(locale, index, field, "preset.field.type", "string");
        }
        return e.getAsString();
    }

    private static double number(JsonObject o, String field, double fallback, int index, Locale locale) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw invalidField(locale, index, "sampling." + field, "preset.field.type", "number");
        }
        return e.getAsDouble();
    }

    // ---- files

    private void write(Preset p, Locale locale) {
        try {
            TerroirHome.writePrivate(dir.resolve(p.id() + ".json"), GSON.toJson(json(p)) + "\n");
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "preset.io", text(locale, "preset.io", e.getMessage()), e);
        }
    }

    // ---- errors

    private static TerroirException shape(Locale locale) {
        return new TerroirException(ErrorKind.BAD_REQUEST, "preset.import.shape", text(locale, "preset.import.shape"));
    }

    private static TerroirException unknown(String id, Locale locale) {
        return new TerroirException(ErrorKind.NOT_FOUND, "preset.unknown", text(locale, "preset.unknown", id));
    }

    private static TerroirException invalid(Locale locale, String key, Object... args) {
        return new TerroirException(ErrorKind.BAD_REQUEST, key, text(locale, key, args));
    }

    private static TerroirException invalidField(Locale locale, int index, String field, String key, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = field;
        System.arraycopy(args, 0, all, 1, args.length);
        String what = text(locale, key, all);
        String message = index > 0 ? text(locale, "preset.import.item", index, what) : what;
        return new TerroirException(ErrorKind.BAD_REQUEST, "preset.invalid", message);
    }

    private static String text(Locale locale, String key, Object... args) {
        return Messages.text(Messages.TEXTS, locale == null ? org.terroir.api.i18n.Texts.locale() : locale, key, args);
    }
}

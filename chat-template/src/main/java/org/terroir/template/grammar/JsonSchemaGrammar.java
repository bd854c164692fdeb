package org.terroir.template.grammar;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON Schema into a llama.cpp GBNF grammar (start rule {@code root}) whose every sentence is a JSON text
 * valid against the schema, for constrained sampling ({@code llama_sampler_init_grammar}).
 *
 * <p>Covered: what OpenAI's strict structured outputs allow, and a little more. {@code type} (one or an array,
 * so {@code ["string","null"]} is nullable), {@code object} with {@code properties} (emitted in declared order;
 * the {@code required} ones always, the others optionally), {@code additionalProperties} ({@code false}, absent
 * or true all give exactly the declared properties; a schema with no {@code properties} gives a map of that
 * schema), {@code string} with {@code minLength}/{@code maxLength} and {@code format} date, time, date-time,
 * uuid (other formats are annotations and ignored), {@code integer} and {@code number} (a {@code minimum} of 0 or
 * more drops the minus sign; an integer range of at most {@value #MAX_ENUMERATED_RANGE} values is listed; other
 * bounds are refused), {@code boolean}, {@code null}, {@code array} with {@code items} and
 * {@code minItems}/{@code maxItems}, {@code enum}, {@code const}, {@code anyOf} (and {@code oneOf}, treated as
 * {@code anyOf}: exclusivity is not enforced), {@code $ref} to {@code #/$defs/...} or {@code #/definitions/...},
 * recursion included, and the empty schema (any JSON value). Annotations (title, description, default,
 * examples, $schema, $id, $comment...) are ignored.
 *
 * <p>Refused with a {@link GrammarException} ({@link GrammarException#UNSUPPORTED}): {@code pattern},
 * {@code allOf}, {@code not}, {@code if}, {@code prefixItems}, {@code patternProperties}, {@code uniqueItems},
 * {@code multipleOf}, exclusive bounds, {@code min/maxProperties} and any other keyword that constrains values
 * but is not listed above: a grammar that ignored them would let invalid output through.
 *
 * <p>Whitespace between tokens is bounded ({@value #MAX_SPACE} characters at most at each place) so that a
 * sampler cannot loop on spaces forever; numbers are bounded to {@value #MAX_DIGITS} digits in each part.
 * Strings without {@code maxLength} and arrays without {@code maxItems} are not bounded: {@code max_tokens}
 * still ends such an answer (finish reason LENGTH).
 *
 * <p>Thread-safe: every call builds its own grammar; no state is shared.
 */
public final class JsonSchemaGrammar {
    /** Deepest nesting of schemas read (the input's, not the output's: recursive refs are rules). */
    public static final int MAX_DEPTH = 64;
    /** Most rules in one grammar. */
    public static final int MAX_RULES = 5000;
    /** Most whitespace characters at any place between JSON tokens. */
    public static final int MAX_SPACE = 2;
    /** Most digits in the integer, fraction and exponent parts of a number. */
    public static final int MAX_DIGITS = 15;
    /** An integer range with both bounds and at most this many values is enumerated. */
    public static final int MAX_ENUMERATED_RANGE = 256;

    private static final Gson GSON = new Gson();

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema",
            "$id", "$comment", "deprecated", "readOnly", "writeOnly", "strict", "name", "$defs", "definitions",
            "contentMediaType", "contentEncoding", "nullable");

    private static final Map<String, String> PRIMITIVES = new LinkedHashMap<>();

    static {
        PRIMITIVES.put("ws", "[ \\t\\n]{0," + MAX_SPACE + "}");
        PRIMITIVES.put("char", "[^\"\\\\\\x00-\\x1F\\x7F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");
        PRIMITIVES.put("string", "\"\\\"\" char* \"\\\"\"");
        PRIMITIVES.put("uint", "\"0\" | [1-9] [0-9]{0," + (MAX_DIGITS - 1) + "}");
        PRIMITIVES.put("integer", "\"-\"? uint");
        PRIMITIVES.put("frac", "(\".\" [0-9]{1," + MAX_DIGITS + "})? ([eE] [-+]? [0-9]{1,3})?");
        PRIMITIVES.put("number", "integer frac");
        PRIMITIVES.put("unumber", "uint frac");
        PRIMITIVES.put("boolean", "\"true\" | \"false\"");
        PRIMITIVES.put("null", "\"null\"");
        PRIMITIVES.put("value", "object | array | string | number | boolean | null");
        PRIMITIVES.put("object", "\"{\" ws (string ws \":\" ws value ws (\",\" ws string ws \":\" ws value ws)*)? \"}\"");
        PRIMITIVES.put("array", "\"[\" ws (value ws (\",\" ws value ws)*)? \"]\"");
        PRIMITIVES.put("digit2", "[0-9]{2}");
        PRIMITIVES.put("date", "\"\\\"\" date-body \"\\\"\"");
        PRIMITIVES.put("date-body", "[0-9]{4} \"-\" (\"0\" [1-9] | \"1\" [0-2]) \"-\" (\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8])");
        PRIMITIVES.put("time-body", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,6})? (\"Z\" | [-+] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])");
        PRIMITIVES.put("time", "\"\\\"\" time-body \"\\\"\"");
        PRIMITIVES.put("date-time", "\"\\\"\" date-body \"T\" time-body \"\\\"\"");
        PRIMITIVES.put("uuid", "\"\\\"\" [0-9a-f]{8} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{12} \"\\\"\"");
    }

    private final JsonObject rootSchema;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new HashMap<>();
    private final Map<String, String> bodies = new HashMap<>();
    private int depth;
    private String prefix = "";

    private JsonSchemaGrammar(JsonObject rootSchema) {
        this.rootSchema = rootSchema;
    }

    /** A grammar for any JSON object (OpenAI's {@code response_format: json_object}). */
    public static String jsonObject() {
        JsonSchemaGrammar g = new JsonSchemaGrammar(new JsonObject());
        g.rules.put("root", "object");
        g.use("object");
        return g.text();
    }

    /**
     * The grammar for {@code schemaJson}.
     *
     * @throws GrammarException if the schema is not JSON, not a schema, or uses what this converter refuses
     */
    public static String fromSchema(String schemaJson) {
        JsonSchemaGrammar g = parse(schemaJson);
        g.rules.put("root", "");
        g.rules.put("root", g.expression(g.rootSchema, "#"));
        return g.text();
    }

    /**
     * The rules for {@code schemaJson} with its start rule named {@code start} and its own rules' names
     * prefixed by {@code prefix} (the shared primitives, identical in every grammar, keep their names), to be
     * combined with other rules into one grammar.
     */
    static Map<String, String> rules(String schemaJson, String start, String prefix) {
        JsonSchemaGrammar g = parse(schemaJson);
        g.prefix = prefix;
        g.rules.put(start, "");
        g.rules.put(start, g.expression(g.rootSchema, "#"));
        return g.rules;
    }

    private static JsonSchemaGrammar parse(String schemaJson) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(schemaJson == null ? "" : schemaJson);
        } catch (JsonParseException e) {
            throw new GrammarException(GrammarException.INVALID, "The schema is not valid JSON: " + e.getMessage(),
                    "not JSON");
        }
        if (parsed.isJsonPrimitive() && parsed.getAsJsonPrimitive().isBoolean()) {
            if (!parsed.getAsBoolean()) {
                throw new GrammarException(GrammarException.INVALID, "The schema 'false' admits no value", "false");
            }
            parsed = new JsonObject();
        }
        if (!parsed.isJsonObject()) {
            throw new GrammarException(GrammarException.INVALID, "A schema is a JSON object", "not an object");
        }
        return new JsonSchemaGrammar(parsed.getAsJsonObject());
    }

    private String text() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> rule : rules.entrySet()) {
            out.append(rule.getKey()).append(" ::= ").append(rule.getValue()).append('\n');
        }
        return out.toString();
    }

    /** Adds a primitive rule (and those it uses) and returns its name. */
    private String use(String name) {
        if (rules.containsKey(name)) {
            return name;
        }
        String body = PRIMITIVES.get(name);
        rules.put(name, body);
        for (String other : PRIMITIVES.keySet()) {
            if (!other.equals(name) && mentions(body, other)) {
                use(other);
            }
        }
        return name;
    }

    private static boolean mentions(String body, String name) {
        // Rule names outside literals and classes; the primitives' literals never hold a rule's name as a word.
        String stripped = body.replaceAll("\"(\\\\.|[^\"\\\\])*\"", " ").replaceAll("\\[(\\\\.|[^\\]\\\\])*\\]", " ");
        for (String word : stripped.split("[^a-z0-9-]+")) {
            if (word.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** A new rule with that body; returns its name. Identical bodies share one rule. */
    private String rule(String hint, String body) {
        String existing = bodies.get(body);
        if (existing != null) {
            return existing;
        }
        if (rules.size() >= MAX_RULES) {
            throw new GrammarException(GrammarException.TOO_LARGE, "The schema needs more than " + MAX_RULES
                    + " grammar rules", String.valueOf(MAX_RULES));
        }
        String base = hint.replaceAll("[^a-zA-Z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty() || PRIMITIVES.containsKey(base) || base.equals("root")) {
            base = "r-" + base;
        }
        base = prefix + base;
        String name = base;
        for (int i = 1; rules.containsKey(name); i++) {
            name = base + "-" + i;
        }
        rules.put(name, body);
        bodies.put(body, name);
        return name;
    }

    /** A GBNF expression (usually a rule name) for the values {@code schema} admits. */
    private String expression(JsonElement element, String where) {
        if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isBoolean()) {
            if (element.getAsBoolean()) {
                return use("value");
            }
            throw new GrammarException(GrammarException.UNSUPPORTED, "The schema 'false' at " + where
                    + " admits no value", "false", where);
        }
        if (!element.isJsonObject()) {
            throw invalid(where, "a schema is a JSON object or a boolean");
        }
        if (++depth > MAX_DEPTH) {
            throw new GrammarException(GrammarException.TOO_LARGE, "The schema is nested deeper than " + MAX_DEPTH,
                    String.valueOf(MAX_DEPTH));
        }
        try {
            return expressionOf(element.getAsJsonObject(), where);
        } finally {
            depth--;
        }
    }

    private String expressionOf(JsonObject s, String where) {
        for (String key : s.keySet()) {
            if (!ANNOTATIONS.contains(key) && !KNOWN.contains(key)) {
                throw new GrammarException(GrammarException.UNSUPPORTED, "The keyword '" + key + "' at " + where
                        + " is not supported in a grammar", key, where);
            }
        }
        if (s.has("$ref")) {
            return ref(string(s, "$ref", where), where);
        }
        if (s.has("const")) {
            return literal(GSON.toJson(s.get("const")));
        }
        if (s.has("enum")) {
            JsonArray values = array(s, "enum", where);
            if (values.isEmpty()) {
                throw invalid(where, "an empty enum admits no value");
            }
            List<String> alternatives = new ArrayList<>();
            for (JsonElement v : values) {
                alternatives.add(literal(GSON.toJson(v)));
            }
            return rule(hint(where) + "-enum", String.join(" | ", alternatives));
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (s.has(combinator)) {
                JsonArray options = array(s, combinator, where);
                if (options.isEmpty()) {
                    throw invalid(where, combinator + " is empty");
                }
                JsonObject rest = s.deepCopy();
                rest.remove(combinator);
                rest.remove("description");
                rest.remove("title");
                List<String> alternatives = new ArrayList<>();
                for (int i = 0; i < options.size(); i++) {
                    JsonElement option = options.get(i);
                    if (!rest.keySet().isEmpty() && option.isJsonObject()) {
                        // Keywords beside anyOf apply to every branch (e.g. a shared "type").
                        JsonObject merged = rest.deepCopy();
                        for (Map.Entry<String, JsonElement> e : option.getAsJsonObject().entrySet()) {
                            merged.add(e.getKey(), e.getValue());
                        }
                        option = merged;
                    }
                    alternatives.add(expression(option, where + "/" + combinator + "/" + i));
                }
                return rule(hint(where) + "-" + combinator, String.join(" | ", alternatives));
            }
        }
        JsonElement type = s.get("type");
        if (type == null) {
            if (s.has("properties") || s.has("additionalProperties") || s.has("required")) {
                return object(s, where);
            }
            if (s.has("items")) {
                return array(s, where);
            }
            return use("value");
        }
        if (type.isJsonArray()) {
            List<String> alternatives = new ArrayList<>();
            for (JsonElement t : type.getAsJsonArray()) {
                alternatives.add(typed(s, typeName(t, where), where));
            }
            if (alternatives.isEmpty()) {
                throw invalid(where, "an empty type array admits no value");
            }
            return rule(hint(where) + "-or", String.join(" | ", alternatives));
        }
        return typed(s, typeName(type, where), where);
    }

    private static final Set<String> KNOWN = Set.of("type", "properties", "required", "additionalProperties",
            "items", "minItems", "maxItems", "enum", "const", "anyOf", "oneOf", "$ref", "minLength", "maxLength",
            "format", "minimum", "maximum");

    private String typeName(JsonElement t, String where) {
        if (!t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
            throw invalid(where, "type is a string or an array of strings");
        }
        return t.getAsString();
    }

    private String typed(JsonObject s, String type, String where) {
        switch (type) {
            case "object": return object(s, where);
            case "array": return array(s, where);
            case "string": return string(s, where);
            case "integer": return integer(s, where);
            case "number": return number(s, where);
            case "boolean": return use("boolean");
            case "null": return use("null");
            default: throw invalid(where, "unknown type '" + type + "'");
        }
    }

    private String object(JsonObject s, String where) {
        JsonObject properties = s.has("properties") ? object(s, "properties", where) : new JsonObject();
        Set<String> required = new java.util.HashSet<>();
        if (s.has("required")) {
            for (JsonElement r : array(s, "required", where)) {
                if (!r.isJsonPrimitive() || !r.getAsJsonPrimitive().isString()) {
                    throw invalid(where, "required lists property names");
                }
                if (!properties.has(r.getAsString())) {
                    throw new GrammarException(GrammarException.UNSUPPORTED, "The property '" + r.getAsString()
                            + "' at " + where + " is required but not declared in properties", "required", where);
                }
                required.add(r.getAsString());
            }
        }
        JsonElement additional = s.get("additionalProperties");
        if (properties.size() == 0 && additional != null && additional.isJsonObject()) {
            String value = expression(additional, where + "/additionalProperties");
            use("ws");
            String pair = use("string") + " ws \":\" ws " + value + " ws";
            return rule(hint(where) + "-map", "\"{\" ws (" + pair + " (\",\" ws " + pair + ")*)? \"}\"");
        }
        if (properties.size() == 0 && (additional == null || (additional.isJsonPrimitive()
                && additional.getAsBoolean()))) {
            return use("object");
        }
        List<String> pairs = new ArrayList<>();
        List<Boolean> mandatory = new ArrayList<>();
        for (Map.Entry<String, JsonElement> p : properties.entrySet()) {
            String value = expression(p.getValue(), where + "/properties/" + p.getKey());
            pairs.add(literal(GSON.toJson(p.getKey())) + " ws \":\" ws " + value + " ws");
            mandatory.add(required.contains(p.getKey()));
        }
        use("ws");
        int n = pairs.size();
        if (n == 0) {
            return rule(hint(where) + "-empty", "\"{\" ws \"}\"");
        }
        // After the first emitted pair, each later one is "," pair (optional ones in (...)?).
        String[] rest = new String[n + 1];
        rest[n] = "";
        for (int i = n - 1; i >= 0; i--) {
            String item = "\",\" ws " + pairs.get(i);
            rest[i] = (mandatory.get(i) ? item : "(" + item + ")?") + (rest[i + 1].isEmpty() ? "" : " " + rest[i + 1]);
        }
        // The first emitted pair: any k whose earlier properties are all optional.
        List<String> firsts = new ArrayList<>();
        boolean allOptional = true;
        for (int k = 0; k < n; k++) {
            firsts.add("(" + pairs.get(k) + (rest[k + 1].isEmpty() ? "" : " " + rest[k + 1]) + ")");
            if (mandatory.get(k)) {
                allOptional = false;
                break;
            }
        }
        String body = String.join(" | ", firsts);
        if (allOptional) {
            body = "(" + body + ")?";
        } else if (firsts.size() > 1) {
            body = "(" + body + ")";
        }
        return rule(hint(where) + "-object", "\"{\" ws " + body + " \"}\"");
    }

    private String array(JsonObject s, String where) {
        String item = s.has("items") ? expression(s.get("items"), where + "/items") : use("value");
        int min = count(s, "minItems", 0, where);
        int max = count(s, "maxItems", -1, where);
        if (max >= 0 && max < min) {
            throw invalid(where, "maxItems is below minItems");
        }
        use("ws");
        String next = "\",\" ws " + item + " ws";
        String body;
        if (max == 0) {
            body = "\"[\" ws \"]\"";
        } else {
            String tail = "(" + next + ")" + (max < 0 ? "{" + Math.max(0, min - 1) + ",}"
                    : "{" + Math.max(0, min - 1) + "," + (max - 1) + "}");
            String items = item + " ws " + tail;
            body = "\"[\" ws " + (min == 0 ? "(" + items + ")?" : items) + " \"]\"";
        }
        return rule(hint(where) + "-array", body);
    }

    private String string(JsonObject s, String where) {
        if (s.has("format")) {
            String format = string(s, "format", where);
            if (Set.of("date", "time", "date-time", "uuid").contains(format)) {
                if (s.has("minLength") || s.has("maxLength")) {
                    throw new GrammarException(GrammarException.UNSUPPORTED, "Lengths together with format at "
                            + where + " are not supported", "format", where);
                }
                return use(format);
            }
        }
        int min = count(s, "minLength", 0, where);
        int max = count(s, "maxLength", -1, where);
        if (max >= 0 && max < min) {
            throw invalid(where, "maxLength is below minLength");
        }
        if (min == 0 && max < 0) {
            return use("string");
        }
        use("char");
        return rule(hint(where) + "-string", "\"\\\"\" char{" + min + "," + (max < 0 ? "" : max) + "} \"\\\"\"");
    }

    private String integer(JsonObject s, String where) {
        BigDecimal min = bound(s, "minimum", where);
        BigDecimal max = bound(s, "maximum", where);
        if (min == null && max == null) {
            return use("integer");
        }
        if (min != null && max != null) {
            long lo = min.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
            long hi = max.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            if (hi < lo) {
                throw invalid(where, "maximum is below minimum");
            }
            if (hi - lo < MAX_ENUMERATED_RANGE) {
                List<String> values = new ArrayList<>();
                for (long v = lo; v <= hi; v++) {
                    values.add("\"" + v + "\"");
                }
                return rule(hint(where) + "-range", String.join(" | ", values));
            }
        }
        if (min != null && max == null && min.signum() >= 0 && min.compareTo(BigDecimal.ONE) <= 0) {
            if (min.signum() == 0) {
                return use("uint");
            }
            use("uint");
            return rule("positive", "[1-9] [0-9]{0," + (MAX_DIGITS - 1) + "}");
        }
        throw new GrammarException(GrammarException.UNSUPPORTED, "Integer bounds at " + where + " are supported"
                + " as minimum 0 or 1, or a range of at most " + MAX_ENUMERATED_RANGE + " values", "minimum", where);
    }

    private String number(JsonObject s, String where) {
        BigDecimal min = bound(s, "minimum", where);
        BigDecimal max = bound(s, "maximum", where);
        if (max == null && min == null) {
            return use("number");
        }
        if (max == null && min.signum() == 0) {
            return use("unumber");
        }
        throw new GrammarException(GrammarException.UNSUPPORTED, "Number bounds at " + where
                + " are supported only as minimum 0", "minimum", where);
    }

    private String ref(String ref, String where) {
        String name = refRules.get(ref);
        if (name != null) {
            return name;
        }
        JsonElement target = null;
        String defName = null;
        for (String prefix : List.of("#/$defs/", "#/definitions/")) {
            if (ref.startsWith(prefix)) {
                defName = ref.substring(prefix.length());
                JsonElement defs = rootSchema.get(prefix.substring(2, prefix.length() - 1));
                if (defs != null && defs.isJsonObject()) {
                    target = defs.getAsJsonObject().get(defName);
                }
            }
        }
        if (ref.equals("#")) {
            target = rootSchema;
            defName = "self";
        }
        if (target == null) {
            throw new GrammarException(GrammarException.REF, "The reference '" + ref + "' at " + where
                    + " names no entry of $defs or definitions", ref);
        }
        // Reserve the rule's name first, so that a recursive reference finds it.
        name = rule("ref-" + defName, "\u0000" + ref);
        refRules.put(ref, name);
        String body = expression(target, ref);
        bodies.remove("\u0000" + ref);
        rules.put(name, body);
        return name;
    }

    private static String hint(String where) {
        int slash = where.lastIndexOf('/');
        String last = slash < 0 ? where : where.substring(slash + 1);
        return last.equals("#") || last.isEmpty() ? "r" : last;
    }

    /** A GBNF literal matching exactly {@code text}. */
    static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }

    private static GrammarException invalid(String where, String what) {
        return new GrammarException(GrammarException.INVALID, "Invalid schema at " + where + ": " + what,
                what + " (" + where + ")");
    }

    private static String string(JsonObject s, String key, String where) {
        JsonElement e = s.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw invalid(where, key + " is a string");
        }
        return e.getAsString();
    }

    private static JsonArray array(JsonObject s, String key, String where) {
        JsonElement e = s.get(key);
        if (!e.isJsonArray()) {
            throw invalid(where, key + " is an array");
        }
        return e.getAsJsonArray();
    }

    private static JsonObject object(JsonObject s, String key, String where) {
        JsonElement e = s.get(key);
        if (!e.isJsonObject()) {
            throw invalid(where, key + " is an object");
        }
        return e.getAsJsonObject();
    }

    private static int count(JsonObject s, String key, int absent, String where) {
        JsonElement e = s.get(key);
        if (e == null) {
            return absent;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw invalid(where, key + " is a number");
        }
        BigDecimal v = e.getAsBigDecimal();
        if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(100_000)) > 0 || v.stripTrailingZeros().scale() > 0) {
            throw invalid(where, key + " is a whole number from 0 to 100000");
        }
        return v.intValueExact();
    }

    private static BigDecimal bound(JsonObject s, String key, String where) {
        JsonElement e = s.get(key);
        if (e == null) {
            return null;
        }
        if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
            throw invalid(where, key + " is a number");
        }
        BigDecimal v = p.getAsBigDecimal();
        if (v.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
            throw invalid(where, key + " is too large");
        }
        return v;
    }
}

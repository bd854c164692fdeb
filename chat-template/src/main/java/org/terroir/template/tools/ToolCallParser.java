package org.terroir.template.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tool calls a model wrote, in its family's own syntax, out of its answer. The text must be rendered
 * with special tokens ({@code <|python_tag|>}, {@code [TOOL_CALLS]}, {@code <|channel|>} are control tokens
 * that llama.cpp drops from a piece unless asked to keep them).
 *
 * <p>Families ({@link Format}): Hermes/Qwen ({@code <tool_call>{"name":..,"arguments":..}</tool_call>}, one per
 * call, and Qwen3-Coder/Qwen3.5's {@code <tool_call><function=NAME><parameter=P>value</parameter></function></tool_call>}),
 * Llama 3.x ({@code <|python_tag|>} then JSON, or the whole answer a JSON object with {@code name} and
 * {@code parameters}; several separated by {@code ;}), Mistral ({@code [TOOL_CALLS]} then a JSON array, or the
 * newer {@code [TOOL_CALLS]NAME[ARGS]{json}} repeated), Granite ({@code <|tool_call|>} then a JSON array),
 * gpt-oss harmony ({@code <|channel|>commentary to=functions.NAME ... <|message|>{json}<|call|>}, the user-visible
 * text being the {@code final} channel's).
 *
 * <p>Text that looks like a call but does not parse stays in the content: a model's broken call is shown, not
 * lost. Arguments are returned as compact JSON text (an object, or what the model wrote when it is other JSON).
 */
public final class ToolCallParser {
    /** The call syntax of a model family. */
    public enum Format {
        NONE, HERMES, LLAMA3, MISTRAL, GRANITE, HARMONY;

        /**
         * The syntax a chat template teaches, from its text (and the GGUF architecture, may be null): the
         * markup it renders for an assistant's tool calls.
         */
        public static Format detect(String template, String architecture) {
            String t = template == null ? "" : template;
            String arch = architecture == null ? "" : architecture.toLowerCase(Locale.ROOT);
            if (t.contains("<|channel|>") || t.contains("to=functions.") || arch.equals("gpt-oss")) {
                return HARMONY;
            }
            if (t.contains("<tool_call>")) {
                return HERMES;
            }
            if (t.contains("[TOOL_CALLS]")) {
                return MISTRAL;
            }
            if (t.contains("<|tool_call|>")) {
                return GRANITE;
            }
            if (t.contains("<|python_tag|>") || (t.contains("ipython") && t.contains("parameters"))) {
                return LLAMA3;
            }
            return NONE;
        }
    }

    /** One call as the model wrote it. */
    public record Call(String name, String argumentsJson) {
    }

    /** The answer split into what the user reads and the calls. */
    public record Parsed(String content, List<Call> calls) {
        public Parsed {
            calls = List.copyOf(calls);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern HERMES = Pattern.compile("<tool_call>\\s*(.*?)\\s*(?:</tool_call>|$)",
            Pattern.DOTALL);
    private static final Pattern QWEN_FUNCTION = Pattern.compile("^<function=([^>\\s]+)>(.*?)(?:</function>|$)",
            Pattern.DOTALL);
    private static final Pattern QWEN_PARAMETER = Pattern.compile(
            "<parameter=([^>\\s]+)>\\n?(.*?)\\n?(?:</parameter>|(?=<parameter=)|$)", Pattern.DOTALL);
    private static final Pattern MISTRAL_NAMED = Pattern.compile(
            "\\G\\s*(?:\\[TOOL_CALLS\\])?\\s*([A-Za-z0-9_.\\-]+)(?:\\[CALL_ID\\][A-Za-z0-9]+)?\\[ARGS\\]");
    private static final Pattern HARMONY_CALL = Pattern.compile(
            "(?:<\\|start\\|>\\s*assistant\\s*)?(?:to=functions\\.([\\w.\\-]+)\\s*)?<\\|channel\\|>\\s*(?:commentary|analysis)"
                    + "(?:\\s+to=functions\\.([\\w.\\-]+))?[^<]*(?:<\\|constrain\\|>[^<]*)?<\\|message\\|>(.*?)"
                    + "(?:<\\|call\\|>|<\\|end\\|>|$)", Pattern.DOTALL);
    private static final Pattern HARMONY_FINAL = Pattern.compile(
            "<\\|channel\\|>\\s*final[^<]*<\\|message\\|>(.*?)(?:<\\|end\\|>|<\\|return\\|>|<\\|start\\|>|$)",
            Pattern.DOTALL);

    private ToolCallParser() {
    }

    /** A fresh OpenAI-style call id: {@code call_} and 24 random letters and digits. */
    public static String newId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    public static Parsed parse(Format format, String text) {
        String t = text == null ? "" : text;
        switch (format) {
            case HERMES: return hermes(t);
            case LLAMA3: return llama3(t);
            case MISTRAL: return afterMarker(t, "[TOOL_CALLS]");
            case GRANITE: return afterMarker(t, "<|tool_call|>");
            case HARMONY: return harmony(t);
            default: return new Parsed(t, List.of());
        }
    }

    private static Parsed hermes(String t) {
        List<Call> calls = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        Matcher m = HERMES.matcher(t);
        int last = 0;
        while (m.find()) {
            List<Call> found = hermesBody(m.group(1));
            if (found == null) {
                continue;
            }
            content.append(t, last, m.start());
            last = m.end();
            calls.addAll(found);
        }
        content.append(t.substring(last));
        return new Parsed(calls.isEmpty() ? t : content.toString().strip(), calls);
    }

    private static List<Call> hermesBody(String body) {
        Matcher f = QWEN_FUNCTION.matcher(body.strip());
        if (f.find()) {
            JsonObject args = new JsonObject();
            Matcher p = QWEN_PARAMETER.matcher(f.group(2));
            while (p.find()) {
                String value = p.group(2);
                JsonElement parsed = json(value.strip());
                args.add(p.group(1), parsed != null ? parsed : new JsonPrimitive(value));
            }
            return List.of(new Call(f.group(1), args.toString()));
        }
        List<JsonElement> values = jsonValues(body);
        if (values == null) {
            return null;
        }
        return calls(values, "arguments");
    }

    private static Parsed llama3(String t) {
        int tag = t.indexOf("<|python_tag|>");
        String content = tag < 0 ? "" : t.substring(0, tag).strip();
        String rest = tag < 0 ? t.strip() : t.substring(tag + "<|python_tag|>".length());
        rest = rest.replace("<|eom_id|>", "").replace("<|eot_id|>", "").strip();
        if (tag < 0 && !rest.startsWith("{")) {
            return new Parsed(t, List.of());
        }
        List<JsonElement> values = jsonValues(rest.replaceAll("}\\s*;\\s*\\{", "} {"));
        List<Call> calls = values == null ? null : calls(values, "parameters");
        if (calls == null || calls.isEmpty()) {
            return new Parsed(t, List.of());
        }
        return new Parsed(content, calls);
    }

    /** Mistral and Granite: a marker, then a JSON array of calls (or Mistral's NAME[ARGS]{json} form). */
    private static Parsed afterMarker(String t, String marker) {
        int at = t.indexOf(marker);
        if (at < 0) {
            return new Parsed(t, List.of());
        }
        String content = t.substring(0, at).strip();
        String rest = t.substring(at + marker.length()).replace("</s>", "").strip();
        List<Call> calls = null;
        if (rest.startsWith("[") || rest.startsWith("{")) {
            List<JsonElement> values = jsonValues(rest.replace(marker, " "));
            calls = values == null ? null : calls(values, "arguments");
        } else if (marker.equals("[TOOL_CALLS]")) {
            calls = mistralNamed(rest);
        }
        if (calls == null || calls.isEmpty()) {
            return new Parsed(t, List.of());
        }
        return new Parsed(content, calls);
    }

    private static List<Call> mistralNamed(String rest) {
        List<Call> calls = new ArrayList<>();
        int at = 0;
        Matcher m = MISTRAL_NAMED.matcher(rest);
        while (at < rest.length() && m.find(at) && m.start() == at) {
            JsonReader reader = new JsonReader(new StringReader(rest.substring(m.end())));
            reader.setLenient(true);
            try {
                JsonElement args = JsonParser.parseReader(reader);
                calls.add(new Call(m.group(1), args.toString()));
                at = m.end() + consumed(rest.substring(m.end()), args);
            } catch (JsonParseException e) {
                return null;
            }
            while (at < rest.length() && Character.isWhitespace(rest.charAt(at))) {
                at++;
            }
        }
        return at >= rest.length() ? calls : null;
    }

    /** How many characters of {@code text} the JSON value {@code value} took (it starts text, maybe after spaces). */
    private static int consumed(String text, JsonElement value) {
        int depth = 0;
        boolean string = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (string) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    string = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                string = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return text.length();
    }

    private static Parsed harmony(String t) {
        List<Call> calls = new ArrayList<>();
        Matcher m = HARMONY_CALL.matcher(t);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (name == null) {
                continue; // analysis or commentary text without a recipient: not a call
            }
            JsonElement args = json(m.group(3).strip());
            calls.add(new Call(name, args != null ? args.toString() : m.group(3).strip()));
        }
        StringBuilder content = new StringBuilder();
        Matcher f = HARMONY_FINAL.matcher(t);
        while (f.find()) {
            content.append(f.group(1));
        }
        if (content.length() == 0 && !t.contains("<|channel|>")) {
            content.append(t);
        }
        return new Parsed(content.toString().strip(), calls);
    }

    /** Calls from JSON values: objects with a name and {@code argsKey} (or arguments), or arrays of them. */
    private static List<Call> calls(List<JsonElement> values, String argsKey) {
        List<Call> calls = new ArrayList<>();
        for (JsonElement v : values) {
            if (v.isJsonArray()) {
                List<JsonElement> inner = new ArrayList<>();
                v.getAsJsonArray().forEach(inner::add);
                List<Call> nested = calls(inner, argsKey);
                if (nested == null) {
                    return null;
                }
                calls.addAll(nested);
                continue;
            }
            if (!v.isJsonObject()) {
                return null;
            }
            JsonObject o = v.getAsJsonObject();
            if (o.has("function") && o.get("function").isJsonObject()) {
                o = o.getAsJsonObject("function");
            }
            JsonElement name = o.get("name");
            if (name == null || !name.isJsonPrimitive()) {
                return null;
            }
            JsonElement args = o.has(argsKey) ? o.get(argsKey) : o.has("arguments") ? o.get("arguments")
                    : o.get("parameters");
            String argsJson;
            if (args == null || args.isJsonNull()) {
                argsJson = "{}";
            } else if (args.isJsonPrimitive() && args.getAsJsonPrimitive().isString()
                    && json(args.getAsString()) != null) {
                argsJson = json(args.getAsString()).toString();
            } else {
                argsJson = args.toString();
            }
            calls.add(new Call(name.getAsString(), argsJson));
        }
        return calls;
    }

    /** Every JSON value in {@code text} one after another (spaces between), or null if it is not only that. */
    private static List<JsonElement> jsonValues(String text) {
        List<JsonElement> values = new ArrayList<>();
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setLenient(true);
        try {
            while (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                JsonElement v = JsonParser.parseReader(reader);
                if (v.isJsonPrimitive() || v.isJsonNull()) {
                    return null;
                }
                values.add(v);
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return null;
        }
        return values.isEmpty() ? null : values;
    }

    private static JsonElement json(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            JsonElement v = JsonParser.parseReader(reader);
            return reader.peek() == com.google.gson.stream.JsonToken.END_DOCUMENT ? v : null;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return null;
        }
    }
}

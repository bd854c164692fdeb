package org.terroir.template;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fidelity cases of src/test/resources/org/terroir/template/fidelity (see cases.json). */
final class Fidelity {
    static final String ROOT = "/org/terroir/template/fidelity/";
    static final Gson GSON = new Gson();
    static final JsonObject CASES = GSON.fromJson(text(ROOT + "cases.json"), JsonObject.class);
    /** The pinned "now" of strftime_now, in this JVM's zone: Python's datetime.now() is local time too. */
    static final Clock CLOCK = Clock.fixed(LocalDateTime.parse(CASES.get("now").getAsString())
            .atZone(ZoneId.systemDefault()).toInstant(), ZoneId.systemDefault());

    record Case(String name, String template, RenderInput input, String expected, boolean expectFailure) {
    }

    private Fidelity() {
    }

    static String text(String resource) {
        try (InputStream in = Fidelity.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps a differing output beside the build for a look with diff. */
    static void writeActual(String name, String actual) {
        try {
            java.nio.file.Path dir = java.nio.file.Path.of("target", "fidelity-actual");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve(name + ".txt"), actual);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean exists(String resource) {
        return Fidelity.class.getResource(resource) != null;
    }

    static Map<String, String> templates() {
        Map<String, String> templates = new LinkedHashMap<>();
        for (String name : CASES.getAsJsonObject("templates").keySet()) {
            templates.put(name, text(ROOT + "templates/" + name + ".jinja"));
        }
        return templates;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Map<String, JsonObject> conversations = new LinkedHashMap<>();
        for (JsonElement c : CASES.getAsJsonArray("conversations")) {
            conversations.put(c.getAsString(), GSON.fromJson(text(ROOT + "conversations/" + c.getAsString() + ".json"), JsonObject.class));
        }
        for (Map.Entry<String, JsonElement> t : CASES.getAsJsonObject("templates").entrySet()) {
            JsonObject settings = t.getValue().getAsJsonObject();
            for (Map.Entry<String, JsonElement> v : settings.getAsJsonObject("variants").entrySet()) {
                for (Map.Entry<String, JsonObject> c : conversations.entrySet()) {
                    String name = t.getKey() + "." + v.getKey() + "." + c.getKey();
                    cases.add(newCase(name, t.getKey(), settings, v.getValue().getAsJsonObject(), c.getValue()));
                }
            }
        }
        return cases;
    }

    static RenderInput input(JsonObject conversation, JsonObject settings, JsonObject variant) {
        RenderInput.Builder b = RenderInput.builder(GSON.toJson(conversation.get("messages"))).clock(CLOCK)
                .addGenerationPrompt(!variant.has("add_generation_prompt") || variant.get("add_generation_prompt").getAsBoolean());
        if (conversation.has("tools")) {
            b.tools(GSON.toJson(conversation.get("tools")));
        }
        if (settings.has("bos_token")) {
            b.bosToken(settings.get("bos_token").getAsString());
        }
        if (settings.has("eos_token")) {
            b.eosToken(settings.get("eos_token").getAsString());
        }
        for (Map.Entry<String, JsonElement> e : variant.entrySet()) {
            if (!e.getKey().equals("add_generation_prompt")) {
                b.variableJson(e.getKey(), GSON.toJson(e.getValue()));
            }
        }
        return b.build();
    }

    private static Case newCase(String name, String template, JsonObject settings, JsonObject variant, JsonObject conversation) {
        String golden = ROOT + "golden/" + name;
        boolean failure = !exists(golden + ".txt");
        String expected = text(golden + (failure ? ".error" : ".txt"));
        return new Case(name, template, input(conversation, settings, variant), expected, failure);
    }
}

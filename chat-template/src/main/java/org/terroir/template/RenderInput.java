package org.terroir.template;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one rendering receives, as Hugging Face transformers' {@code apply_chat_template} passes it.
 *
 * <p>The template sees: {@code messages} (the parsed {@link #messagesJson()}), {@code tools} (the parsed
 * {@link #toolsJson()}, or {@code none} when it is null, as transformers passes {@code tools=None}),
 * {@code documents} ({@code none}, as transformers passes it), {@code add_generation_prompt}, {@code bos_token}
 * and {@code eos_token} (left undefined when null, as for a tokenizer without them), then every entry of
 * {@link #variablesJson()} (which may override {@code documents}, {@code add_generation_prompt} and the tokens; {@code messages}
 * and {@code tools} have their own fields).
 *
 * @param messagesJson        a JSON array of OpenAI-style messages: {@code role}, {@code content} (a string, or a
 *                            list of parts such as {@code {"type":"text","text":"..."}}), and where they apply
 *                            {@code tool_calls} (with {@code function.arguments} as an object, as transformers
 *                            expects), {@code tool_call_id}, {@code name}, {@code reasoning_content} or
 *                            {@code thinking}; keys that are absent stay undefined for the template
 * @param toolsJson           a JSON array of tool schemas, or null for none
 * @param addGenerationPrompt whether to end with the opening of an assistant turn
 * @param bosToken            the tokenizer's BOS token text, or null
 * @param eosToken            the tokenizer's EOS token text, or null
 * @param variablesJson       further template variables, name to JSON text (e.g. {@code enable_thinking → false})
 * @param clock               what {@code strftime_now} reads; its zone is the "local time" it formats
 */
public record RenderInput(String messagesJson, String toolsJson, boolean addGenerationPrompt, String bosToken,
                          String eosToken, Map<String, String> variablesJson, Clock clock) {

    /** Names the interpreter declares itself; a variable may not take them. */
    static final Set<String> RESERVED = Set.of("true", "false", "none", "True", "False", "None",
            "raise_exception", "range", "strftime_now", "messages", "tools");

    public RenderInput {
        Objects.requireNonNull(messagesJson, "messagesJson");
        Objects.requireNonNull(clock, "clock");
        variablesJson = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(variablesJson)));
        for (String name : variablesJson.keySet()) {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("template variable name is reserved: " + name);
            }
        }
    }

    /** Starts an input from a JSON array of messages; the rest defaults to no tools, no tokens, system clock. */
    public static Builder builder(String messagesJson) {
        return new Builder(messagesJson);
    }

    /** Every variable but {@code messages} and {@code tools}, name to JSON text, in the order they are set. */
    Map<String, String> allVariablesJson() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("documents", "null");
        all.put("add_generation_prompt", Boolean.toString(addGenerationPrompt));
        if (bosToken != null) {
            all.put("bos_token", Json.write(bosToken));
        }
        if (eosToken != null) {
            all.put("eos_token", Json.write(eosToken));
        }
        all.putAll(variablesJson);
        return all;
    }

    public static final class Builder {
        private final String messagesJson;
        private String toolsJson;
        private boolean addGenerationPrompt;
        private String bosToken;
        private String eosToken;
        private final Map<String, String> variables = new LinkedHashMap<>();
        private Clock clock = Clock.systemDefaultZone();

        private Builder(String messagesJson) {
            this.messagesJson = Objects.requireNonNull(messagesJson, "messagesJson");
        }

        /** A JSON array of tool schemas; null (the default) passes {@code tools=None}. */
        public Builder tools(String toolsJson) {
            this.toolsJson = toolsJson;
            return this;
        }

        public Builder addGenerationPrompt(boolean add) {
            this.addGenerationPrompt = add;
            return this;
        }

        public Builder bosToken(String token) {
            this.bosToken = token;
            return this;
        }

        public Builder eosToken(String token) {
            this.eosToken = token;
            return this;
        }

        /** A variable from a plain value: String, Boolean, Number, List, Map (string keys) or null, nested freely. */
        public Builder variable(String name, Object value) {
            variables.put(Objects.requireNonNull(name, "name"), Json.write(value));
            return this;
        }

        /** A variable given as JSON text (checked when rendering). */
        public Builder variableJson(String name, String json) {
            variables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(json, "json"));
            return this;
        }

        /** The clock {@code strftime_now} reads; pin it with {@link Clock#fixed} for reproducible output. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public RenderInput build() {
            return new RenderInput(messagesJson, toolsJson, addGenerationPrompt, bosToken, eosToken, variables, clock);
        }
    }
}

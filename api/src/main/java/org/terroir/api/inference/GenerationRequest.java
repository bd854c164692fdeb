package org.terroir.api.inference;

import java.util.List;
import java.util.Objects;

/**
 * What to generate: either a conversation, formatted with the model's own chat template, or a raw prompt
 * continued as is.
 *
 * <p>Evolution: new request options arrive as new components with a {@code with...} method and a default in
 * {@link #chat}/{@link #completion}; callers build requests through those, never through the canonical
 * constructor, so adding an option is a minor version.
 *
 * @param messages       the conversation, or empty for a raw completion
 * @param prompt         the raw prompt, or {@code null} for a chat request
 * @param sampling       sampling settings
 * @param tools          functions the model may call (chat only; empty for none)
 * @param toolChoice     whether and which tool it must call
 * @param responseFormat the shape the answer must have (a grammar while sampling)
 * @param logprobs       -1: no log probabilities; 0..20: each token's, with that many alternatives
 */
public record GenerationRequest(List<ChatMessage> messages, String prompt, Sampling sampling, List<ToolDefinition> tools,
        ToolChoice toolChoice, ResponseFormat responseFormat, int logprobs) {

    /** The most alternatives per token a request may ask for (OpenAI's limit). */
    public static final int MAX_TOP_LOGPROBS = 20;

    public GenerationRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
        Objects.requireNonNull(sampling, "sampling");
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
        if (messages.isEmpty() == (prompt == null)) {
            throw new IllegalArgumentException("a request has either messages or a prompt");
        }
        if (prompt != null && !tools.isEmpty()) {
            throw new IllegalArgumentException("tools go with a conversation, not a raw prompt");
        }
        if (logprobs < -1 || logprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("logprobs is -1 (off) or 0.." + MAX_TOP_LOGPROBS);
        }
    }

    public GenerationRequest(List<ChatMessage> messages, String prompt, Sampling sampling) {
        this(messages, prompt, sampling, List.of(), ToolChoice.AUTO, ResponseFormat.TEXT, -1);
    }

    public static GenerationRequest chat(List<ChatMessage> messages, Sampling sampling) {
        return new GenerationRequest(messages, null, sampling);
    }

    public static GenerationRequest completion(String prompt, Sampling sampling) {
        return new GenerationRequest(List.of(), prompt, sampling);
    }

    public boolean isChat() {
        return prompt == null;
    }

    /** True when tools are offered and the choice does not forbid calling them. */
    public boolean offersTools() {
        return !tools.isEmpty() && toolChoice.mode() != ToolChoice.Mode.NONE;
    }

    public GenerationRequest withSampling(Sampling value) {
        return new GenerationRequest(messages, prompt, value, tools, toolChoice, responseFormat, logprobs);
    }

    public GenerationRequest withTools(List<ToolDefinition> value, ToolChoice choice) {
        return new GenerationRequest(messages, prompt, sampling, value, choice, responseFormat, logprobs);
    }

    public GenerationRequest withResponseFormat(ResponseFormat value) {
        return new GenerationRequest(messages, prompt, sampling, tools, toolChoice, value, logprobs);
    }

    public GenerationRequest withLogprobs(int value) {
        return new GenerationRequest(messages, prompt, sampling, tools, toolChoice, responseFormat, value);
    }
}

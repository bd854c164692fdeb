package org.terroir.api.inference;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role       who speaks
 * @param content    what is said (may be empty for an assistant turn that only calls tools)
 * @param toolCalls  the tools an assistant turn called (empty otherwise)
 * @param toolCallId for a {@link Role#TOOL} turn, the id of the call it answers; otherwise null
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {
    public enum Role {
        SYSTEM, USER, ASSISTANT, TOOL;

        /** The name chat templates use: {@code system}, {@code user}, {@code assistant}, {@code tool}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only an assistant turn calls tools");
        }
        if ((role == Role.TOOL) != (toolCallId != null)) {
            throw new IllegalArgumentException("a tool turn names the call it answers, and only a tool turn does");
        }
    }

    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /** An assistant turn that called tools (content may be empty). */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, content == null ? "" : content, toolCalls, null);
    }

    /** The result of a tool call, given back to the model. */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(Role.TOOL, content, List.of(), Objects.requireNonNull(toolCallId, "toolCallId"));
    }
}

package org.terroir.api.inference;

import java.util.Objects;

/**
 * A call of a {@link ToolDefinition} that the model made.
 *
 * @param id            the call's id, unique within the conversation ({@code call_...}); a tool message answers it
 * @param name          the function called
 * @param argumentsJson the arguments, as JSON text (an object)
 */
public record ToolCall(String id, String name, String argumentsJson) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    }
}

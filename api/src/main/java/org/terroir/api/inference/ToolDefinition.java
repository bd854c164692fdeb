package org.terroir.api.inference;

import java.util.Objects;

/**
 * A function the model may call, as OpenAI's {@code tools[].function} describes it.
 *
 * @param name           the function's name ({@code [A-Za-z0-9_-]{1,64}})
 * @param description    what it does, for the model; may be empty
 * @param parametersJson the JSON Schema of its arguments, as JSON text ({@code {"type":"object"}} when none)
 */
public record ToolDefinition(String name, String description, String parametersJson) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        parametersJson = parametersJson == null || parametersJson.isBlank() ? "{\"type\":\"object\",\"properties\":{}}"
                : parametersJson;
    }
}

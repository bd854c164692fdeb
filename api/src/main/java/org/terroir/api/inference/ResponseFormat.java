package org.terroir.api.inference;

import java.util.Objects;

/**
 * The shape the answer must have, enforced while sampling (a grammar), not hoped for.
 *
 * @param type       free text, any JSON object, or JSON valid against {@code schemaJson}
 * @param schemaJson the JSON Schema, as JSON text, for {@link Type#JSON_SCHEMA}; otherwise null
 * @param name       the schema's name (OpenAI's {@code json_schema.name}); may be null
 * @param strict     OpenAI's strict mode: only the schema features it allows, every property required
 */
public record ResponseFormat(Type type, String schemaJson, String name, boolean strict) {
    public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null, null, false);

    public ResponseFormat {
        Objects.requireNonNull(type, "type");
        if ((type == Type.JSON_SCHEMA) != (schemaJson != null)) {
            throw new IllegalArgumentException("a schema goes with type JSON_SCHEMA, and only with it");
        }
    }

    public static ResponseFormat jsonSchema(String name, String schemaJson, boolean strict) {
        return new ResponseFormat(Type.JSON_SCHEMA, schemaJson, name, strict);
    }
}

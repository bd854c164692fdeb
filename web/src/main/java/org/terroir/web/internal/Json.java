package org.terroir.web.internal;

import java.time.Instant;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;

/** The JSON codecs of the web bundle. Values, not services: sharing them is safe (Gson is thread-safe). */
public final class Json {
    /** For OpenAI answers: fields the API defines as nullable are written as null, as clients expect them. */
    public static final Gson OPENAI = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    /** For the page's API: nulls left out, instants as ISO-8601 text, paths as text. */
    public static final Gson UI = new GsonBuilder().disableHtmlEscaping()
            .registerTypeAdapter(Instant.class, (JsonSerializer<Instant>) (value, type, ctx) -> new JsonPrimitive(
                    value.toString()))
            .registerTypeHierarchyAdapter(java.nio.file.Path.class,
                    (JsonSerializer<java.nio.file.Path>) (value, type, ctx) -> new JsonPrimitive(value.toString()))
            .registerTypeAdapter(java.time.Duration.class, (JsonSerializer<java.time.Duration>) (value, type,
                    ctx) -> new JsonPrimitive(value.toSeconds()))
            .create();

    private Json() {
    }
}

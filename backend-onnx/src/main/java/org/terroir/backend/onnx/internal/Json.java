package org.terroir.backend.onnx.internal;

import java.io.IOException;
import java.io.StringReader;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * The model folder's configuration files read strictly with Gson (not its lenient default): objects become maps,
 * arrays lists, numbers doubles. Files are validated in Java before any native code reads them.
 */
final class Json {
    private static final TypeAdapter<Object> VALUES = new Gson().getAdapter(Object.class);

    private Json() {
    }

    /** Parses a whole document that must be an object; {@link IllegalArgumentException} says where it is wrong. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setLenient(false);
        try {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            Object value = VALUES.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("unexpected text after the end, " + reader.getPath());
            }
            return (Map<String, Object>) value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException)) {
                throw (IllegalArgumentException) e;
            }
            // Gson's messages name the line, the column and the path of the first error.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}

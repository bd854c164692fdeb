package org.terroir.api;

import java.util.Locale;
import java.util.Objects;

/**
 * The on-disk format of a model. Open-ended so that a plugin backend can bring its own format; the two that
 * ship with Terroir are constants.
 */
public record ModelFormat(String id) {
    public static final ModelFormat GGUF = new ModelFormat("gguf");
    public static final ModelFormat ONNX = new ModelFormat("onnx");

    public ModelFormat {
        Objects.requireNonNull(id, "id");
        id = id.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id;
    }
}

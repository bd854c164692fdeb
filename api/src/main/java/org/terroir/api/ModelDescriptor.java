package org.terroir.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A model as found on disk, before it is loaded.
 *
 * @param name       what the user calls it (a library name such as {@code owner/repo:Q4_0}, or the file name)
 * @param path       the model file (GGUF) or folder (ONNX)
 * @param format     its format
 * @param sizeBytes  bytes on disk
 * @param properties facts read from the file's metadata, keyed by the constants below; absent when unknown
 */
public record ModelDescriptor(String name, Path path, ModelFormat format, long sizeBytes, Map<String, String> properties) {
    public static final String ARCHITECTURE = "architecture";
    public static final String PARAMETERS = "parameters";
    public static final String QUANTIZATION = "quantization";
    public static final String CONTEXT_LENGTH = "context.length";
    /** Whether the model's file carries its own chat template: {@code "true"} or {@code "false"}. */
    public static final String CHAT_TEMPLATE = "chat.template";
    /**
     * The model's own chat template (a Jinja text), set by a backend that reads it, when the file has one.
     *
     * @since 1.5
     */
    public static final String CHAT_TEMPLATE_TEXT = "chat.template.text";
    public static final String EMBEDDING_LENGTH = "embedding.length";
    public static final String LAYERS = "layers";
    /** Set on a loaded model's descriptor by its backend: the engine that runs it (e.g. "llama.cpp v0.4.0"). */
    public static final String ENGINE = "engine";
    /** Set on a loaded model's descriptor by its backend: where it runs ("CPU", or a GPU and its layers). */
    public static final String DEVICE = "device";
    /**
     * Set by a backend whose models run on another machine: the server they run on (its URL). Present means the
     * prompts leave this computer; front ends mark such a model as remote.
     */
    public static final String REMOTE = "remote";

    public ModelDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public String property(String key) {
        return properties.get(key);
    }
}

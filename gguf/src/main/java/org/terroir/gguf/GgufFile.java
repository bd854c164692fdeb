package org.terroir.gguf;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.terroir.gguf.internal.FileTypes;

/**
 * A GGUF file whose header, metadata, tensor table and vocabulary passed validation.
 *
 * @param source     where it came from (a path or a name given by the caller)
 * @param version    GGUF version (2 or 3)
 * @param fileSize   total size of the file in bytes
 * @param dataOffset absolute offset of the tensor data section
 * @param alignment  alignment of the tensor data ({@code general.alignment}, 32 by default)
 * @param metadata   metadata in file order; values are {@link String}, {@link Long} (every integer type; a
 *                   {@code uint64} above {@link Long#MAX_VALUE} reads as negative), {@link Double} (f32, f64),
 *                   {@link Boolean} or {@link GgufArray}
 * @param tensors    the tensor table in file order
 */
public record GgufFile(String source, int version, long fileSize, long dataOffset, int alignment,
                       Map<String, Object> metadata, List<TensorInfo> tensors) {

    public GgufFile {
        Objects.requireNonNull(source, "source");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = List.copyOf(tensors);
    }

    /** {@code general.architecture}, or {@code "unknown"} when absent. */
    public String architecture() {
        return string("general.architecture").orElse("unknown");
    }

    /** The raw value of {@code key}. */
    public Optional<Object> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The value of {@code key} if it is a string. */
    public Optional<String> string(String key) {
        return metadata.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /**
     * The value of {@code key} if it is an integer. A key that is absent is also tried relative to the
     * architecture: {@code integer("context_length")} finds {@code llama.context_length}.
     */
    public OptionalLong integer(String key) {
        Object v = metadata.get(key);
        if (v == null && !key.startsWith(architecture() + ".")) {
            v = metadata.get(archKey(key));
        }
        return v instanceof Long l ? OptionalLong.of(l) : OptionalLong.empty();
    }

    /** The value of {@code key} if it is a number (integer or float). */
    public OptionalDouble number(String key) {
        Object v = metadata.get(key);
        if (v instanceof Double d) {
            return OptionalDouble.of(d);
        }
        return v instanceof Long l ? OptionalDouble.of(l) : OptionalDouble.empty();
    }

    /** The value of {@code key} if it is a boolean. */
    public Optional<Boolean> bool(String key) {
        return metadata.get(key) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /** The value of {@code key} if it is an array. */
    public Optional<GgufArray> array(String key) {
        return metadata.get(key) instanceof GgufArray a ? Optional.of(a) : Optional.empty();
    }

    /** The key of an architecture-specific value, e.g. {@code llama.context_length} for {@code context_length}. */
    public String archKey(String suffix) {
        return architecture() + "." + suffix;
    }

    /** {@code <architecture>.<suffix>} as an integer, e.g. {@code archInteger("context_length")}. */
    public OptionalLong archInteger(String suffix) {
        return integer(archKey(suffix));
    }

    /**
     * {@code <architecture>.<suffix>} for one layer: the value itself when it is one integer for every layer, or
     * element {@code layer} when it is an array with one integer per layer (as some models give
     * {@code attention.head_count_kv} or {@code feed_forward_length}).
     */
    public OptionalLong archInteger(String suffix, int layer) {
        Object v = metadata.get(archKey(suffix));
        if (v instanceof Long l) {
            return OptionalLong.of(l);
        }
        if (v instanceof GgufArray a && a.elementType().isInteger() && layer >= 0 && layer < a.size()) {
            return OptionalLong.of(a.integer(layer));
        }
        return OptionalLong.empty();
    }

    /** {@code <architecture>.<suffix>} as a number, e.g. {@code archDouble("rope.freq_base")}. */
    public OptionalDouble archDouble(String suffix) {
        return number(archKey(suffix));
    }

    /** {@code general.name}. */
    public Optional<String> name() {
        return string("general.name");
    }

    /** Sum of the elements of every tensor. */
    public long parameterCount() {
        long n = 0;
        for (TensorInfo t : tensors) {
            n += t.elements();
        }
        return n;
    }

    /** Sum of the data sizes of every tensor. */
    public long tensorBytes() {
        long n = 0;
        for (TensorInfo t : tensors) {
            n += t.sizeBytes();
        }
        return n;
    }

    /** Bytes of tensor data per tensor type. */
    public Map<GgmlType, Long> bytesByType() {
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        for (TensorInfo t : tensors) {
            bytes.merge(t.type(), t.sizeBytes(), Long::sum);
        }
        return bytes;
    }

    /** The tensor called {@code name}. */
    public Optional<TensorInfo> tensor(String name) {
        for (TensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The quantization label people know, e.g. {@code Q4_K_M}: from {@code general.file_type} when it holds a
     * known llama_ftype, else the type holding most of the weight matrices' elements.
     */
    public String quantization() {
        OptionalLong ftype = integer("general.file_type");
        if (ftype.isPresent()) {
            Optional<String> label = FileTypes.label(ftype.getAsLong());
            if (label.isPresent()) {
                return label.get();
            }
        }
        return dominantWeightType().map(GgmlType::name).orElse("unknown");
    }

    /** The type holding most elements among the matrices (rank 2 or more), else among all tensors. */
    public Optional<GgmlType> dominantWeightType() {
        Map<GgmlType, Long> matrices = new EnumMap<>(GgmlType.class);
        Map<GgmlType, Long> all = new EnumMap<>(GgmlType.class);
        for (TensorInfo t : tensors) {
            all.merge(t.type(), t.elements(), Long::sum);
            if (t.rank() >= 2) {
                matrices.merge(t.type(), t.elements(), Long::sum);
            }
        }
        Map<GgmlType, Long> counts = matrices.isEmpty() ? all : matrices;
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    public OptionalInt contextLength() {
        return archInt("context_length");
    }

    public OptionalInt blockCount() {
        return archInt("block_count");
    }

    public OptionalInt embeddingLength() {
        return archInt("embedding_length");
    }

    /** {@code <arch>.attention.head_count}; empty when absent or given per layer (an array). */
    public OptionalInt headCount() {
        return archInt("attention.head_count");
    }

    /** {@code <arch>.attention.head_count_kv}; empty when absent or given per layer (an array). */
    public OptionalInt headCountKv() {
        return archInt("attention.head_count_kv");
    }

    /** {@code <arch>.feed_forward_length}; empty when absent or given per layer (an array). */
    public OptionalInt feedForwardLength() {
        return archInt("feed_forward_length");
    }

    /** {@code tokenizer.chat_template}. */
    public Optional<String> chatTemplate() {
        return string("tokenizer.chat_template");
    }

    /** Number of tokens in {@code tokenizer.ggml.tokens}, 0 when there is none. */
    public int vocabSize() {
        return array("tokenizer.ggml.tokens").map(GgufArray::size).orElse(0);
    }

    /** A short summary: a record's default would print every token of the vocabulary. */
    @Override
    public String toString() {
        return "GgufFile[" + source + ", v" + version + ", " + architecture() + ", " + metadata.size() + " keys, "
                + tensors.size() + " tensors, " + fileSize + " bytes]";
    }

    /** An architecture value that fits a non-negative int; anything else (absent, negative, huge) is empty. */
    private OptionalInt archInt(String suffix) {
        OptionalLong v = archInteger(suffix);
        if (v.isPresent() && v.getAsLong() >= 0 && v.getAsLong() <= Integer.MAX_VALUE) {
            return OptionalInt.of((int) v.getAsLong());
        }
        return OptionalInt.empty();
    }
}

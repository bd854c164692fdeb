package org.terroir.api.hardware;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the estimator needs to know of a GGUF model: its metadata and its tensor table, nothing of its data.
 * The hardware bundle builds one from a file or from the first bytes of a remote file; tests and other bundles
 * may build one by hand.
 *
 * @param source   file name or URL, for messages
 * @param fileSize total bytes of the file
 * @param metadata GGUF metadata: values are String, Long (every integer type), Double, Boolean or List of those
 * @param tensors  the tensor table
 */
public record ModelShape(String source, long fileSize, Map<String, Object> metadata, List<TensorShape> tensors) {
    public ModelShape {
        Objects.requireNonNull(source, "source");
        metadata = Map.copyOf(metadata);
        tensors = List.copyOf(tensors);
    }

    /** {@code general.architecture}, or "unknown". */
    public String architecture() {
        Object arch = metadata.get("general.architecture");
        return arch instanceof String s && !s.isBlank() ? s : "unknown";
    }

    /**
     * One tensor.
     *
     * @param name      tensor name, e.g. {@code blk.3.attn_q.weight}
     * @param dims      dimensions, innermost first (as GGUF stores them)
     * @param type      ggml type name, e.g. {@code Q4_K}, {@code F16}
     * @param sizeBytes bytes of its data
     */
    public record TensorShape(String name, long[] dims, String type, long sizeBytes) {
        public TensorShape {
            Objects.requireNonNull(name, "name");
            dims = dims.clone();
            Objects.requireNonNull(type, "type");
        }

        public long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }
}

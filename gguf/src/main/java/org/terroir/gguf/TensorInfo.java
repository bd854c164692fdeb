package org.terroir.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a GGUF file's tensor table.
 *
 * @param name      the tensor's name, e.g. {@code blk.3.ffn_up.weight}
 * @param dims      the dimensions, innermost first as ggml writes them (1 to 4 of them, each &gt; 0)
 * @param type      the element type
 * @param offset    absolute byte offset of the tensor's data in the file
 * @param sizeBytes bytes of the tensor's data (without alignment padding)
 */
public record TensorInfo(String name, long[] dims, GgmlType type, long offset, long sizeBytes) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
    }

    /** A copy of the dimensions. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** One dimension, innermost first. */
    public long dim(int i) {
        return dims[i];
    }

    /** Product of the dimensions. */
    public long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** First byte after the tensor's data. */
    public long end() {
        return offset + sizeBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && Arrays.equals(dims, t.dims) && type == t.type
                && offset == t.offset && sizeBytes == t.sizeBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(dims), type, offset, sizeBytes);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims) + " @" + offset + " (" + sizeBytes + " B)";
    }
}

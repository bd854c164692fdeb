package org.terroir.testkit.gguf;

/** The ggml tensor types this writer can encode (ids as in ggml.h). */
public enum TensorType {
    F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q8_0(8, 32, 34);

    private final int id;
    private final int blockSize;
    private final int typeSize;

    TensorType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    public int id() {
        return id;
    }

    /** Elements per block (1 for plain floats). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    public boolean quantized() {
        return blockSize > 1;
    }

    /** Bytes that {@code elements} values take; {@code elements} must be a multiple of the block size. */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(elements + " elements is not a multiple of the " + this + " block size " + blockSize);
        }
        return elements / blockSize * typeSize;
    }

    /** The general.file_type value (llama_ftype) of a model whose weights are mostly this type. */
    public int fileType() {
        switch (this) {
            case F32: return 0;
            case F16: return 1;
            case Q4_0: return 2;
            case Q8_0: return 7;
            default: throw new AssertionError(this);
        }
    }
}

package org.terroir.testkit.gguf;

/** Metadata value types of GGUF v3, with the ids the file format uses. */
public enum GgufValueType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4), BOOL(7, 1),
    STRING(8, -1), ARRAY(9, -1), UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    private final int id;
    private final int width;

    GgufValueType(int id, int width) {
        this.id = id;
        this.width = width;
    }

    public int id() {
        return id;
    }

    /** Bytes one value takes in the file, or -1 for the variable-length STRING and ARRAY. */
    public int width() {
        return width;
    }
}

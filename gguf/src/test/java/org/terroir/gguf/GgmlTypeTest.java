package org.terroir.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The type table, checked against block layouts worked out by hand from ggml's block structs. */
class GgmlTypeTest {

    private static void block(GgmlType type, int id, int elements, int bytes) {
        assertEquals(id, type.id(), type.name());
        assertEquals(elements, type.blockSize(), type.name());
        assertEquals(bytes, type.typeSize(), type.name());
        assertEquals(type, GgmlType.byId(id).orElseThrow());
    }

    @Test
    void handCheckedBlocks() {
        block(GgmlType.F32, 0, 1, 4);
        block(GgmlType.F16, 1, 1, 2);
        block(GgmlType.BF16, 30, 1, 2);
        // Q4_0: one f16 scale + 32 four-bit values.
        block(GgmlType.Q4_0, 2, 32, 2 + 16);
        // Q8_0: one f16 scale + 32 bytes.
        block(GgmlType.Q8_0, 8, 32, 2 + 32);
        // Q4_K: f16 d and dmin, 12 bytes of 6-bit scales, 256 four-bit values.
        block(GgmlType.Q4_K, 12, 256, 2 * 2 + 12 + 128);
        // Q6_K: 128 bytes low bits, 64 bytes high bits, 16 scales, f16 d.
        block(GgmlType.Q6_K, 14, 256, 128 + 64 + 16 + 2);
        // IQ4_XS: f16 d, u16 high scales, 4 bytes low scales, 128 bytes of values.
        block(GgmlType.IQ4_XS, 23, 256, 2 + 2 + 4 + 128);
        // MXFP4: one e8m0 exponent + 32 four-bit values.
        block(GgmlType.MXFP4, 39, 32, 1 + 16);
        block(GgmlType.Q2_K, 10, 256, 16 + 64 + 2 * 2);
        block(GgmlType.Q3_K, 11, 256, 32 + 64 + 12 + 2);
        block(GgmlType.Q5_K, 13, 256, 2 * 2 + 12 + 32 + 128);
        block(GgmlType.TQ2_0, 35, 256, 64 + 2);
    }

    @Test
    void bytesForWholeAndPartialBlocks() {
        assertEquals(18, GgmlType.Q4_0.bytesFor(32));
        assertEquals(18 * 4096 / 32 * 4096, GgmlType.Q4_0.bytesFor(4096L * 4096));
        assertEquals(36, GgmlType.Q4_0.bytesFor(33));
        assertEquals(144, GgmlType.Q4_K.bytesFor(256));
        assertEquals(0, GgmlType.F32.bytesFor(0));
        assertEquals(4.5, GgmlType.Q4_0.bitsPerWeight());
        assertEquals(8.5, GgmlType.Q8_0.bitsPerWeight());
        assertEquals(4.5, GgmlType.Q4_K.bitsPerWeight());
        assertEquals(6.5625, GgmlType.Q6_K.bitsPerWeight());
        assertThrows(ArithmeticException.class, () -> GgmlType.F64.bytesFor(Long.MAX_VALUE / 2));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.F32.bytesFor(-1));
    }

    @Test
    void removedAndUnknownIdsAreAbsent() {
        for (int id : new int[] {-1, 4, 5, 31, 32, 33, 36, 37, 38, 40, 1000}) {
            assertTrue(GgmlType.byId(id).isEmpty(), "id " + id);
        }
        Set<Integer> ids = new HashSet<>();
        for (GgmlType t : GgmlType.values()) {
            assertTrue(ids.add(t.id()), t.name());
            assertEquals(t, GgmlType.byId(t.id()).orElseThrow());
        }
        assertEquals(32, ids.size());
    }

    @Test
    void valueTypes() {
        for (GgufValueType t : GgufValueType.values()) {
            assertEquals(t, GgufValueType.byId(t.id()).orElseThrow());
        }
        assertTrue(GgufValueType.byId(13).isEmpty());
        assertTrue(GgufValueType.byId(-1).isEmpty());
        assertEquals(12, GgufValueType.FLOAT64.id());
    }
}

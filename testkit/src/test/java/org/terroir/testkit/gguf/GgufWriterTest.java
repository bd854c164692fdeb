package org.terroir.testkit.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesEveryMetadataType() throws IOException {
        GgufWriter w = new GgufWriter()
                .put("u8", GgufValueType.UINT8, 255)
                .put("i8", GgufValueType.INT8, -128)
                .put("u16", GgufValueType.UINT16, 65535)
                .put("i16", GgufValueType.INT16, -32768)
                .putUInt32("u32", 0xFFFF_FFFFL)
                .putInt32("i32", Integer.MIN_VALUE)
                .putFloat32("f32", 0.5f)
                .putBool("bool", true)
                .putString("string", "Bonjour ▁le monde")
                .putUInt64("u64", -1L)
                .put("i64", GgufValueType.INT64, Long.MIN_VALUE)
                .putFloat64("f64", Math.PI)
                .putArray("strings", GgufValueType.STRING, List.of("a", "é", ""))
                .putArray("ints", GgufValueType.INT32, List.of(1, -2, 3))
                .putArray("nested", GgufValueType.ARRAY,
                        List.of(new GgufArray(GgufValueType.UINT8, List.of(1, 2)), new GgufArray(GgufValueType.BOOL, List.of(false))))
                .putArray("empty", GgufValueType.FLOAT32, List.of());
        Path file = dir.resolve("meta.gguf");
        GgufLayout layout = w.write(file);

        ParsedGguf p = ParsedGguf.parse(file);
        assertEquals(3, p.version());
        assertEquals(Files.size(file), layout.fileSize());
        assertEquals(w.keys(), List.copyOf(p.metadata().keySet()));
        assertEquals(255L, p.metadata().get("u8"));
        assertEquals(-128L, p.metadata().get("i8"));
        assertEquals(65535L, p.metadata().get("u16"));
        assertEquals(-32768L, p.metadata().get("i16"));
        assertEquals(0xFFFF_FFFFL, p.metadata().get("u32"));
        assertEquals((long) Integer.MIN_VALUE, p.metadata().get("i32"));
        assertEquals(0.5, p.metadata().get("f32"));
        assertEquals(true, p.metadata().get("bool"));
        assertEquals("Bonjour ▁le monde", p.metadata().get("string"));
        assertEquals(-1L, p.metadata().get("u64"));
        assertEquals(Long.MIN_VALUE, p.metadata().get("i64"));
        assertEquals(Math.PI, p.metadata().get("f64"));
        assertEquals(new GgufArray(GgufValueType.STRING, List.of("a", "é", "")), p.metadata().get("strings"));
        assertEquals(new GgufArray(GgufValueType.INT32, List.of(1L, -2L, 3L)), p.metadata().get("ints"));
        assertEquals(new GgufArray(GgufValueType.ARRAY, List.of(new GgufArray(GgufValueType.UINT8, List.of(1L, 2L)),
                new GgufArray(GgufValueType.BOOL, List.of(false)))), p.metadata().get("nested"));
        assertEquals(new GgufArray(GgufValueType.FLOAT32, List.of()), p.metadata().get("empty"));
        for (String key : w.keys()) {
            assertEquals(w.type(key).orElseThrow(), p.types().get(key), key);
        }
        assertEquals(24L, layout.keyPositions().get("u8"), "first entry right after the 24-byte header");
    }

    @Test
    void rejectsValuesThatDoNotFitTheirType() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class, () -> w.put("k", GgufValueType.UINT8, 256));
        assertThrows(IllegalArgumentException.class, () -> w.put("k", GgufValueType.UINT32, -1));
        assertThrows(IllegalArgumentException.class, () -> w.put("k", GgufValueType.STRING, 3));
        assertThrows(IllegalArgumentException.class, () -> w.putArray("k", GgufValueType.INT8, List.of(1, 1000)));
        assertThrows(IllegalArgumentException.class, () -> w.alignment(48));
        assertThrows(IllegalArgumentException.class,
                () -> w.addTensor("t", TensorType.Q4_0, new long[]{48, 2}, TensorData.constant(0)));
        assertThrows(IllegalArgumentException.class,
                () -> w.addTensor("t", TensorType.F32, new long[]{0}, TensorData.constant(0)));
    }

    @Test
    void alignsAndEncodesTensors() throws IOException {
        float[] values = new float[64 * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 17 - 8) * 0.125f;
        }
        GgufWriter w = new GgufWriter().alignment(64).putString("general.architecture", "test")
                .addTensor("odd", TensorType.F32, new long[]{3}, TensorData.of(1f, 2f, 3f))
                .addTensor("f16", TensorType.F16, new long[]{64, 3}, TensorData.of(values))
                .addTensor("q8", TensorType.Q8_0, new long[]{64, 3}, TensorData.of(values))
                .addTensor("q4", TensorType.Q4_0, new long[]{64, 3}, TensorData.of(values));
        Path file = dir.resolve("tensors.gguf");
        GgufLayout layout = w.write(file);
        ParsedGguf p = ParsedGguf.parse(file);

        assertEquals(64L, p.metadata().get("general.alignment"));
        assertEquals(p.dataOffset(), layout.dataOffset());
        assertEquals(0, layout.dataOffset() % 64);
        assertEquals(List.of("odd", "f16", "q8", "q4"), p.tensors().stream().map(ParsedGguf.Tensor::name).toList());
        assertArrayEquals(new long[]{64, 3}, p.tensors().get(3).dims());
        assertEquals(List.of(0, 1, 8, 2), p.tensors().stream().map(ParsedGguf.Tensor::type).toList());
        for (ParsedGguf.Tensor t : p.tensors()) {
            assertEquals(0, t.offset() % 64, t.name() + " aligned");
            GgufLayout.TensorPlacement placed = layout.tensor(t.name()).orElseThrow();
            assertEquals(layout.dataOffset() + t.offset(), placed.dataPosition());
        }
        assertEquals(List.of(12L, 384L, 204L, 108L),
                layout.tensors().stream().map(GgufLayout.TensorPlacement::sizeBytes).toList());
        assertEquals(layout.tensors().get(3).end(), Files.size(file), "file ends with the last tensor");

        ByteBuffer odd = p.data("odd", 12);
        assertEquals(List.of(1f, 2f, 3f), List.of(odd.getFloat(), odd.getFloat(), odd.getFloat()));
        ByteBuffer f16 = p.data("f16", 384);
        for (float v : values) {
            assertEquals(v, Quantizer.fromHalf(f16.getShort()), "these values are exact in fp16");
        }
        ByteBuffer q8 = p.data("q8", 204);
        for (int block = 0; block < 6; block++) {
            float d = Quantizer.fromHalf(q8.getShort());
            for (int i = 0; i < 32; i++) {
                float expected = values[block * 32 + i];
                assertEquals(expected, q8.get() * d, Math.abs(d), "q8 block " + block);
            }
        }
        ByteBuffer q4 = p.data("q4", 108);
        for (int block = 0; block < 6; block++) {
            float d = Quantizer.fromHalf(q4.getShort());
            byte[] qs = new byte[16];
            q4.get(qs);
            for (int i = 0; i < 32; i++) {
                int q = i < 16 ? qs[i] & 0x0F : (qs[i - 16] & 0xFF) >>> 4;
                assertEquals(values[block * 32 + i], (q - 8) * d, Math.abs(d), "q4 block " + block);
            }
        }
    }

    @Test
    void streamsRowsInOrderOnce() throws IOException {
        long[] expectedRow = {0};
        GgufWriter w = new GgufWriter().addTensor("t", TensorType.Q8_0, new long[]{32, 1000}, (index, row) -> {
            assertEquals(expectedRow[0]++, index);
            assertEquals(32, row.length);
            java.util.Arrays.fill(row, index);
        });
        w.write(dir.resolve("rows.gguf"));
        assertEquals(1000, expectedRow[0]);
    }
}

package org.terroir.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.InvalidModelException;

class GgufReaderTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) {
        try {
            Path file = Files.createTempFile(dir, "model", ".gguf");
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads through both entry points and checks they agree. */
    private GgufFile read(byte[] bytes) {
        GgufFile fromFile = GgufReader.read(write(bytes));
        GgufFile fromPrefix = GgufReader.read(ByteBuffer.wrap(bytes), bytes.length, "prefix");
        assertEquals(fromFile.metadata().keySet(), fromPrefix.metadata().keySet());
        assertEquals(fromFile.tensors(), fromPrefix.tensors());
        assertEquals(fromFile.dataOffset(), fromPrefix.dataOffset());
        return fromFile;
    }

    @Test
    void readsAValidFile() {
        byte[] bytes = TestGguf.tinyLlama().build();
        GgufFile f = read(bytes);

        assertEquals(3, f.version());
        assertEquals(bytes.length, f.fileSize());
        assertEquals(32, f.alignment());
        assertEquals(0, f.dataOffset() % 32);
        assertEquals("llama", f.architecture());
        assertEquals("tiny", f.name().orElseThrow());
        assertEquals(256, f.contextLength().getAsInt());
        assertEquals(1, f.blockCount().getAsInt());
        assertEquals(64, f.embeddingLength().getAsInt());
        assertEquals(4, f.headCount().getAsInt());
        assertEquals(2, f.headCountKv().getAsInt());
        assertEquals(128, f.feedForwardLength().getAsInt());
        assertEquals(10000.0, f.archDouble("rope.freq_base").getAsDouble());
        assertEquals(256L, f.archInteger("context_length").getAsLong());
        assertEquals(256L, f.integer("llama.context_length").getAsLong());
        assertEquals(256L, f.integer("context_length").getAsLong());
        assertEquals(2L, f.archInteger("attention.head_count_kv", 0).getAsLong());
        assertTrue(f.integer("general.name").isEmpty());
        assertTrue(f.integer("no.such.key").isEmpty());
        assertEquals(Boolean.TRUE, f.bool("general.experimental").orElseThrow());
        assertTrue(f.chatTemplate().orElseThrow().contains("messages"));
        assertEquals(40, f.vocabSize());
        assertEquals("Q4_K_M", f.quantization());

        GgufArray tokens = f.array("tokenizer.ggml.tokens").orElseThrow();
        assertEquals(GgufValueType.STRING, tokens.elementType());
        assertEquals("<s>", tokens.string(1));
        GgufArray scores = f.array("tokenizer.ggml.scores").orElseThrow();
        assertEquals(GgufValueType.FLOAT32, scores.elementType());
        assertEquals(-3.0, scores.number(3));
        assertEquals(Double.valueOf(-3.0), scores.values().get(3));
        assertEquals(Long.valueOf(3), f.array("tokenizer.ggml.token_type").orElseThrow().values().get(3));

        List<TensorInfo> t = f.tensors();
        assertEquals(4, t.size());
        assertEquals("token_embd.weight", t.get(0).name());
        assertArrayEquals(new long[] {64, 40}, t.get(0).dims());
        assertEquals(GgmlType.Q8_0, t.get(0).type());
        assertEquals(f.dataOffset(), t.get(0).offset());
        assertEquals(64 * 40 / 32 * 34, t.get(0).sizeBytes());
        assertEquals(64 * 128 / 32 * 18, t.get(2).sizeBytes());
        long next = f.dataOffset();
        for (TensorInfo info : t) {
            assertEquals(next, info.offset(), info.name());
            assertEquals(0, info.offset() % 32, info.name());
            next = (info.end() + 31) / 32 * 32;
        }
        assertEquals(64 * 40 + 64 + 64 * 128 + 64 * 40, f.parameterCount());
        assertEquals(t.stream().mapToLong(TensorInfo::sizeBytes).sum(), f.tensorBytes());
        assertTrue(t.get(3).end() <= f.fileSize());
        assertEquals(Map.of(GgmlType.Q8_0, 2720L, GgmlType.F32, 256L, GgmlType.Q4_0, 4608L, GgmlType.F16, 5120L),
                f.bytesByType());
    }

    @Test
    void metadataKeepsFileOrderAndTypes() {
        GgufFile f = read(new TestGguf()
                .u64("z.big", -1L)
                .raw(o -> o.str("a.i8").u32(GgufValueType.INT8.id()).u8(0xFF))
                .raw(o -> o.str("a.u16").u32(GgufValueType.UINT16.id()).u8(0xFF).u8(0xFF))
                .raw(o -> o.str("a.f64").u32(GgufValueType.FLOAT64.id()).u64(Double.doubleToLongBits(0.5)))
                .raw(o -> o.str("a.u8s").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.UINT8.id()).u64(2)
                        .u8(200).u8(1))
                .build());
        assertEquals(List.of("z.big", "a.i8", "a.u16", "a.f64", "a.u8s"), new ArrayList<>(f.metadata().keySet()));
        assertEquals(-1L, f.integer("z.big").getAsLong());
        assertEquals(-1L, f.integer("a.i8").getAsLong());
        assertEquals(65535L, f.integer("a.u16").getAsLong());
        assertEquals(0.5, f.number("a.f64").getAsDouble());
        assertEquals(List.of(200L, 1L), f.array("a.u8s").orElseThrow().values());
        assertEquals("unknown", f.architecture());
        assertEquals(0, f.vocabSize());
        assertTrue(f.contextLength().isEmpty());
        assertTrue(f.tensors().isEmpty());
    }

    @Test
    void perLayerValues() {
        GgufFile f = read(new TestGguf().string("general.architecture", "openelm").raw(o -> {
            o.str("openelm.attention.head_count_kv").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.INT32.id())
                    .u64(3).u32(3).u32(4).u32(5);
        }).build());
        assertEquals(4L, f.archInteger("attention.head_count_kv", 1).getAsLong());
        assertTrue(f.archInteger("attention.head_count_kv", 3).isEmpty());
        assertTrue(f.headCountKv().isEmpty());
    }

    @Test
    void largeArraysOfEveryType() {
        int n = 70_000;
        TestGguf g = new TestGguf();
        for (GgufValueType type : GgufValueType.values()) {
            if (type == GgufValueType.ARRAY || type == GgufValueType.STRING) {
                continue;
            }
            g.raw(o -> {
                o.str("a." + type).u32(GgufValueType.ARRAY.id()).u32(type.id()).u64(n);
                for (int i = 0; i < n; i++) {
                    long v = i % 100;
                    switch (type.minBytes()) {
                        case 1 -> o.u8((int) (type == GgufValueType.BOOL ? v & 1 : v));
                        case 2 -> o.u8((int) v).u8(0);
                        case 4 -> o.u32(type == GgufValueType.FLOAT32 ? Float.floatToIntBits(v) : v);
                        default -> o.u64(type == GgufValueType.FLOAT64 ? Double.doubleToLongBits(v) : v);
                    }
                }
            });
        }
        GgufFile f = read(g.build());
        for (GgufValueType type : GgufValueType.values()) {
            if (type == GgufValueType.ARRAY || type == GgufValueType.STRING) {
                continue;
            }
            GgufArray a = f.array("a." + type).orElseThrow();
            assertEquals(n, a.size(), type.name());
            Object expected = switch (type) {
                case BOOL -> Boolean.TRUE;
                case FLOAT32, FLOAT64 -> 99.0;
                default -> 99L;
            };
            assertEquals(expected, a.values().get(n - 1), type.name());
        }
    }

    @Test
    void acceptsVersion2() {
        TestGguf g = TestGguf.tinyLlama();
        g.version = 2;
        assertEquals(2, read(g.build()).version());
    }

    @Test
    void honoursACustomAlignment() {
        TestGguf g = TestGguf.tinyLlama().u32("general.alignment", 64);
        g.alignment = 64;
        GgufFile f = read(g.build());
        assertEquals(64, f.alignment());
        assertEquals(0, f.dataOffset() % 64);
        f.tensors().forEach(t -> assertEquals(0, t.offset() % 64, t.name()));
    }

    @Test
    void quantizationFallsBackToTheDominantWeightType() {
        GgufFile f = read(new TestGguf()
                .string("general.architecture", "llama")
                .tensor("a.weight", GgmlType.Q8_0, 64, 64)
                .tensor("b.weight", GgmlType.Q4_K, 256, 64)
                .tensor("norm.weight", GgmlType.F32, 8192).build());
        assertEquals("Q4_K", f.quantization());
        // An unknown or removed file type also falls back.
        f = read(new TestGguf().u32("general.file_type", 4).tensor("w", GgmlType.F16, 32, 2).build());
        assertEquals("F16", f.quantization());
        // The "guessed" bit llama.cpp may set is ignored.
        f = read(new TestGguf().u32("general.file_type", 1024 + 7).tensor("w", GgmlType.F16, 32, 2).build());
        assertEquals("Q8_0", f.quantization());
    }

    @Test
    void readsStringsLargerThanTheReadBuffer() {
        String template = "x".repeat(300_000) + "é";
        GgufFile f = read(TestGguf.tinyLlama().string("tokenizer.chat_template.big", template).build());
        assertEquals(template, f.string("tokenizer.chat_template.big").orElseThrow());
    }

    @Test
    void readsALargeVocabulary() {
        int n = 150_000;
        GgufFile f = read(new TestGguf().string("general.architecture", "llama").vocab(TestGguf.tokens(n))
                .u32("tokenizer.ggml.eos_token_id", n - 1).build());
        assertEquals(n, f.vocabSize());
        assertTrue(f.toString().length() < 200, f.toString());
        assertTrue(f.array("tokenizer.ggml.tokens").orElseThrow().toString().startsWith("STRING[150000][<unk>, <s>"));
        assertEquals("tok149999", f.array("tokenizer.ggml.tokens").orElseThrow().string(n - 1));
        assertEquals(-(n - 1.0), f.array("tokenizer.ggml.scores").orElseThrow().number(n - 1));
    }

    @Test
    void emptyTokensAreNotDuplicates() {
        // llama.cpp renames empty tokens to [EMPTY_<id>], so two of them do not collide.
        List<String> tokens = new ArrayList<>(TestGguf.tokens(10));
        tokens.set(5, "");
        tokens.set(7, "");
        assertEquals(10, read(new TestGguf().vocab(tokens).build()).vocabSize());
    }

    @Test
    void distinctInvalidUtf8TokensAreNotDuplicates() {
        GgufFile f = read(new TestGguf().raw(o -> {
            o.str("tokenizer.ggml.tokens").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(2);
            o.str(new byte[] {(byte) 0xFF}).str(new byte[] {(byte) 0xFE});
        }).build());
        assertEquals(2, f.vocabSize());
        // The same invalid bytes twice are a duplicate all the same.
        byte[] dup = new TestGguf().raw(o -> {
            o.str("tokenizer.ggml.tokens").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(3);
            o.str(new byte[] {(byte) 0xFF, 'a'}).str("\uFFFDa").str(new byte[] {(byte) 0xFF, 'a'});
        }).build();
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> GgufReader.read(write(dup)));
        assertEquals("gguf.vocab.duplicate", e.code());
        assertTrue(e.getMessage().contains("0 and 2"), e.getMessage());
    }

    @Test
    void tensorInfoIsAValue() {
        long[] dims = {4, 2};
        TensorInfo a = new TensorInfo("w", dims, GgmlType.F32, 32, 32);
        dims[0] = 99;
        assertEquals(4, a.dims()[0]);
        a.dims()[0] = 99;
        assertEquals(4, a.dim(0));
        assertEquals(new TensorInfo("w", new long[] {4, 2}, GgmlType.F32, 32, 32), a);
        assertEquals(8, a.elements());
        assertFalse(a.equals(new TensorInfo("w", new long[] {2, 4}, GgmlType.F32, 32, 32)));
    }

    @Test
    void aDirectoryIsAClearError() {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> GgufReader.read(dir));
        assertEquals("gguf.io", e.code());
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    }

    @Test
    void aMissingFileIsAClearError() {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> GgufReader.read(dir.resolve("nope.gguf")));
        assertEquals("gguf.io", e.code());
        assertTrue(e.getMessage().contains("nope.gguf"), e.getMessage());
    }
}

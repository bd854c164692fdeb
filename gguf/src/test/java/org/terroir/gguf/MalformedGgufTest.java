package org.terroir.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.InvalidModelException;
import org.terroir.gguf.TestGguf.Tensor;

/** Every kind of damage gives its code and a message, in English and French, that says where. */
class MalformedGgufTest {
    /** Where the first metadata key starts: magic, version, two counts. */
    private static final int FIRST_KEY = 24;

    @TempDir
    Path dir;

    /**
     * Reads {@code bytes} as a file in English and in French and as a complete prefix, expects {@code code}
     * each time, and each fragment (names, offsets, numbers) in both messages. Returns the English message.
     */
    private String rejects(byte[] bytes, String code, String... fragments) {
        Path file = write(bytes);
        String en = Lang.with("en", () -> failure(() -> GgufReader.read(file), code));
        String fr = Lang.with("fr", () -> failure(() -> GgufReader.read(file), code));
        failure(() -> GgufReader.read(ByteBuffer.wrap(bytes), bytes.length, "remote.gguf"), code);
        assertNotEquals(en, fr, "the French message must be French");
        for (String fragment : fragments) {
            assertTrue(en.contains(fragment), "'" + fragment + "' missing from: " + en);
            assertTrue(fr.contains(fragment), "'" + fragment + "' missing from: " + fr);
        }
        assertTrue(en.startsWith(file.getFileName().toString()), en);
        return en;
    }

    private static String failure(Runnable read, String code) {
        InvalidModelException e = assertThrows(InvalidModelException.class, read::run);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(!(e instanceof GgufNeedMoreBytesException), e.getMessage());
        return e.getMessage();
    }

    private Path write(byte[] bytes) {
        try {
            Path file = Files.createTempFile(dir, "bad", ".gguf");
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] valid() {
        return TestGguf.tinyLlama().build();
    }

    private static int lastIndexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        for (int i = haystack.length - n.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + n.length, n, 0, n.length)) {
                return i;
            }
        }
        throw new AssertionError(needle + " not found");
    }

    // ---- header ----

    @Test
    void wrongMagic() {
        byte[] bytes = valid();
        bytes[2] = 'M';
        bytes[3] = 'L';
        rejects(bytes, "gguf.magic", "47 47 4D 4C", "\"GGML\"");
    }

    @Test
    void version1IsNoLongerSupported() {
        TestGguf g = TestGguf.tinyLlama();
        g.version = 1;
        assertTrue(rejects(g.build(), "gguf.version", "version 1", "4").contains("no longer supported"));
        String fr = Lang.with("fr", () -> failure(() -> GgufReader.read(write(g.build())), "gguf.version"));
        assertTrue(fr.contains("n'est plus prise en charge"), fr);
    }

    @Test
    void unknownVersion() {
        TestGguf g = TestGguf.tinyLlama();
        g.version = 99;
        rejects(g.build(), "gguf.version", "99");
    }

    @Test
    void bigEndianFileIsNamedAsSuch() {
        TestGguf g = TestGguf.tinyLlama();
        g.version = Integer.reverseBytes(3);
        assertTrue(rejects(g.build(), "gguf.version", "3").contains("big-endian"));
    }

    @Test
    void absurdTensorCount() {
        TestGguf g = TestGguf.tinyLlama();
        g.tensorCount = 1L << 40;
        rejects(g.build(), "gguf.count", "1099511627776", "8");
        g.tensorCount = -1L;
        rejects(g.build(), "gguf.count", "18446744073709551615");
    }

    @Test
    void absurdKeyCount() {
        TestGguf g = TestGguf.tinyLlama();
        g.kvCount = 1L << 62;
        rejects(g.build(), "gguf.count", "4611686018427387904", "16");
    }

    @Test
    void countsThatAloneFitButTogetherDoNot() {
        TestGguf g = new TestGguf();
        g.tensorCount = 3L;
        g.kvCount = 3L;
        byte[] bytes = g.build();
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 100);
        rejects(padded, "gguf.count", "3");
    }

    // ---- metadata ----

    @Test
    void hugeStringLength() {
        byte[] bytes = new TestGguf().raw(o -> o.u64(1L << 60).raw(new byte[16])).build();
        rejects(bytes, "gguf.string", "1152921504606846976", String.valueOf(FIRST_KEY));
    }

    @Test
    void hugeStringValue() {
        String key = "general.name";
        byte[] bytes = new TestGguf().raw(o -> o.str(key).u32(GgufValueType.STRING.id()).u64(1L << 60))
                .build();
        rejects(bytes, "gguf.string", "1152921504606846976", "general.name",
                String.valueOf(FIRST_KEY + 8 + key.length() + 4));
    }

    @Test
    void unknownValueType() {
        String key = "general.odd";
        byte[] bytes = new TestGguf().raw(o -> o.str(key).u32(13).u32(0)).build();
        rejects(bytes, "gguf.type", "13", key, String.valueOf(FIRST_KEY + 8 + key.length()));
    }

    @Test
    void unknownArrayElementType() {
        byte[] bytes = new TestGguf()
                .raw(o -> o.str("general.list").u32(GgufValueType.ARRAY.id()).u32(77).u64(0)).build();
        rejects(bytes, "gguf.type", "77", "general.list");
    }

    @Test
    void arraysOfArrays() {
        byte[] bytes = new TestGguf().raw(o -> o.str("general.list").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.ARRAY.id()).u64(0)).build();
        rejects(bytes, "gguf.type", "general.list");
    }

    @Test
    void absurdArrayCount() {
        byte[] bytes = new TestGguf().raw(o -> o.str("tokenizer.ggml.tokens").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.STRING.id()).u64(1L << 50).str("a").str("b")).build();
        rejects(bytes, "gguf.count", "tokenizer.ggml.tokens", "1125899906842624");
    }

    @Test
    void duplicateKeys() {
        byte[] bytes = new TestGguf().string("general.name", "a").u32("general.x", 1)
                .string("general.name", "b").build();
        int second = FIRST_KEY + (8 + 12 + 4 + 8 + 1) + (8 + 9 + 4 + 4);
        rejects(bytes, "gguf.key", "general.name", String.valueOf(second));
    }

    @Test
    void emptyKey() {
        rejects(new TestGguf().u32("", 1).build(), "gguf.key", String.valueOf(FIRST_KEY));
    }

    @Test
    void keyThatIsNotUtf8() {
        byte[] bytes = new TestGguf().raw(o -> o.str(new byte[] {'a', (byte) 0xC3, '('}).u32(4).u32(1)).build();
        rejects(bytes, "gguf.key", String.valueOf(FIRST_KEY));
    }

    // ---- alignment ----

    @Test
    void alignmentNotAPowerOfTwo() {
        rejects(TestGguf.tinyLlama().u32("general.alignment", 48).build(), "gguf.alignment", "48");
        rejects(TestGguf.tinyLlama().u32("general.alignment", 0).build(), "gguf.alignment", "general.alignment");
        rejects(TestGguf.tinyLlama().u32("general.alignment", 1L << 31).build(), "gguf.alignment", "2147483648");
    }

    @Test
    void alignmentOfTheWrongType() {
        rejects(TestGguf.tinyLlama().u64("general.alignment", 32).build(), "gguf.alignment", "UINT64");
    }

    @Test
    void misalignedTensorOffset() {
        byte[] bytes = new TestGguf()
                .tensor("a.weight", GgmlType.F32, 8)
                .tensor(new Tensor("b.weight", new long[] {8}, GgmlType.F32.id(), 48L, null)).build();
        rejects(bytes, "gguf.alignment", "b.weight", "48", "32");
    }

    // ---- tensors ----

    @Test
    void unknownTensorType() {
        for (int id : new int[] {4, 31, 40, 99}) {
            byte[] bytes = new TestGguf().tensor(new Tensor("w.weight", new long[] {32}, id, 0L, null)).build();
            rejects(bytes, "gguf.type", "w.weight", String.valueOf(id));
        }
    }

    @Test
    void zeroDimension() {
        byte[] bytes = new TestGguf().tensor("w.weight", GgmlType.F32, 8, 0).build();
        rejects(bytes, "gguf.tensor", "w.weight", "0");
    }

    @Test
    void tooManyOrNoDimensions() {
        rejects(new TestGguf().tensor("w.weight", GgmlType.F32, 1, 1, 1, 1, 8).build(), "gguf.tensor",
                "w.weight", "5");
        rejects(new TestGguf().tensor(new Tensor("w.weight", new long[] {}, 0, 0L, null)).build(), "gguf.tensor",
                "w.weight", "0");
    }

    @Test
    void dimensionsWhoseProductOverflows() {
        TestGguf g = new TestGguf().tensor("w.weight", GgmlType.F32, 1L << 40, 1L << 40);
        g.data = false;
        rejects(g.build(), "gguf.tensor", "w.weight");
    }

    @Test
    void rowsNotAMultipleOfTheBlockSize() {
        TestGguf g = new TestGguf().tensor("w.weight", GgmlType.Q4_0, 33, 2);
        rejects(g.build(), "gguf.tensor", "w.weight", "33", "Q4_0", "32");
    }

    @Test
    void duplicateTensorNames() {
        byte[] bytes = new TestGguf().tensor("w.weight", GgmlType.F32, 8).tensor("w.weight", GgmlType.F32, 8)
                .build();
        rejects(bytes, "gguf.tensor", "w.weight", "0", "1");
    }

    @Test
    void tensorNameTooLong() {
        String name = "n".repeat(64);
        rejects(new TestGguf().tensor(name, GgmlType.F32, 8).build(), "gguf.tensor", name, "64", "63");
    }

    @Test
    void offsetPastTheEnd() {
        TestGguf g = new TestGguf().tensor("a.weight", GgmlType.F32, 8)
                .tensor(new Tensor("b.weight", new long[] {8}, GgmlType.F32.id(), 1L << 20, null));
        g.dataLength = 64L;
        byte[] bytes = g.build();
        rejects(bytes, "gguf.truncated", "b.weight", String.valueOf(bytes.length));
    }

    @Test
    void offsetThatOverflows() {
        TestGguf g = new TestGguf().tensor(new Tensor("w.weight", new long[] {8}, GgmlType.F32.id(),
                Long.MAX_VALUE - 31, null));
        g.data = false;
        rejects(g.build(), "gguf.truncated", "w.weight");
    }

    @Test
    void tensorEndingPastTheEndSaysHowFar() {
        TestGguf g = new TestGguf().tensor("blk.3.ffn_up.weight", GgmlType.F32, 300_000_000);
        g.data = false;
        String en = rejects(g.build(), "gguf.truncated", "blk.3.ffn_up.weight");
        assertTrue(en.contains("ends at 1.2 GB"), en);
        String fr = Lang.with("fr", () -> failure(() -> GgufReader.read(write(g.build())), "gguf.truncated"));
        assertTrue(fr.contains("1,2 Go"), fr);
    }

    @Test
    void overlappingTensors() {
        byte[] bytes = new TestGguf().tensor("a.weight", GgmlType.F32, 64)
                .tensor(new Tensor("b.weight", new long[] {8}, GgmlType.F32.id(), 128L, null)).build();
        rejects(bytes, "gguf.tensor", "a.weight", "b.weight");
    }

    @Test
    void tensorsOutOfTableOrder() {
        byte[] bytes = new TestGguf()
                .tensor(new Tensor("a.weight", new long[] {8}, GgmlType.F32.id(), 32L, null))
                .tensor(new Tensor("b.weight", new long[] {8}, GgmlType.F32.id(), 0L, null)).build();
        rejects(bytes, "gguf.tensor", "a.weight", "32", "0");
    }

    @Test
    void gapBetweenTensors() {
        byte[] bytes = new TestGguf().tensor("a.weight", GgmlType.F32, 8)
                .tensor(new Tensor("b.weight", new long[] {8}, GgmlType.F32.id(), 64L, null)).build();
        rejects(bytes, "gguf.tensor", "b.weight", "64", "32");
    }

    // ---- truncation ----

    @Test
    void everyCutIsRefusedCleanly() {
        byte[] bytes = valid();
        Set<String> codes = Set.of("gguf.truncated", "gguf.count", "gguf.string");
        Path file = write(bytes);
        long dataOffset = GgufReader.read(file).dataOffset();
        // Every cut inside the header, tensor table and padding; a sample of those inside the tensor data.
        for (int cut = 0; cut < bytes.length; cut += cut < dataOffset ? 1 : 61) {
            byte[] part = Arrays.copyOf(bytes, cut);
            // Every cut through the in-memory reader; a sample of them through a real file as well.
            List<Runnable> reads = new ArrayList<>();
            reads.add(() -> GgufReader.read(ByteBuffer.wrap(part), part.length, "cut"));
            if (cut % 37 == 0) {
                reads.add(() -> {
                    try {
                        Files.write(file, part);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    GgufReader.read(file);
                });
            }
            for (Runnable read : reads) {
                try {
                    read.run();
                    fail("a file cut at " + cut + " of " + bytes.length + " was accepted");
                } catch (InvalidModelException e) {
                    assertTrue(codes.contains(e.code()), cut + ": " + e.code() + " " + e.getMessage());
                    assertTrue(e.getMessage().matches("(?s).*\\d.*"), e.getMessage());
                }
            }
        }
    }

    @Test
    void truncatedInTheHeader() {
        byte[] bytes = Arrays.copyOf(valid(), 2);
        String en = rejects(bytes, "gguf.truncated", "0", "2");
        assertTrue(en.contains("header"), en);
        String fr = Lang.with("fr", () -> failure(() -> GgufReader.read(write(bytes)), "gguf.truncated"));
        assertTrue(fr.contains("l'en-tête"), fr);
    }

    @Test
    void truncatedInTheTensorTable() {
        byte[] bytes = valid();
        int name = lastIndexOf(bytes, "output.weight");
        int offsetField = name + "output.weight".length() + 4 + 16 + 4;
        rejects(Arrays.copyOf(bytes, offsetField + 4), "gguf.truncated", "output.weight",
                String.valueOf(offsetField));
    }

    @Test
    void truncatedInTheTensorData() {
        byte[] bytes = valid();
        rejects(Arrays.copyOf(bytes, bytes.length - 1), "gguf.truncated", "output.weight",
                String.valueOf(bytes.length), String.valueOf(bytes.length - 1),
                String.valueOf(lastIndexOf(bytes, "output.weight") + "output.weight".length() + 4 + 16 + 4));
    }

    // ---- vocabulary ----

    @Test
    void duplicateTokens() {
        List<String> tokens = new ArrayList<>(TestGguf.tokens(12));
        tokens.set(9, "tok7");
        byte[] bytes = new TestGguf().vocab(tokens).build();
        rejects(bytes, "gguf.vocab.duplicate", "tok7", "7", "9", String.valueOf(lastIndexOf(bytes, "tok7") - 8),
                String.valueOf(FIRST_KEY + 8 + "tokenizer.ggml.model".length() + 4 + 8 + "llama".length()));
    }

    @Test
    void hugeDuplicateTokensAreQuotedShort() {
        List<String> tokens = new ArrayList<>(TestGguf.tokens(12));
        tokens.set(4, "\n" + "z".repeat(100_000));
        tokens.set(9, tokens.get(4));
        String en = rejects(new TestGguf().vocab(tokens).build(), "gguf.vocab.duplicate", "\\nzzz", "4", "9");
        assertTrue(en.length() < 600, en);
    }

    @Test
    void scoresOfTheWrongLength() {
        byte[] bytes = new TestGguf().strings("tokenizer.ggml.tokens", TestGguf.tokens(10))
                .floats("tokenizer.ggml.scores", 9).build();
        rejects(bytes, "gguf.vocab", "tokenizer.ggml.scores", "9", "10");
    }

    @Test
    void tokenTypesOfTheWrongLengthOrType() {
        rejects(new TestGguf().strings("tokenizer.ggml.tokens", TestGguf.tokens(10))
                .int32s("tokenizer.ggml.token_type", 11).build(), "gguf.vocab", "tokenizer.ggml.token_type", "11");
        rejects(new TestGguf().strings("tokenizer.ggml.tokens", TestGguf.tokens(10))
                .floats("tokenizer.ggml.token_type", 10).build(), "gguf.vocab", "tokenizer.ggml.token_type",
                "FLOAT32");
    }

    @Test
    void tokensThatAreNotStrings() {
        rejects(new TestGguf().int32s("tokenizer.ggml.tokens", 10).build(), "gguf.vocab", "tokenizer.ggml.tokens");
        rejects(new TestGguf().string("tokenizer.ggml.tokens", "a").build(), "gguf.vocab", "tokenizer.ggml.tokens");
    }

    @Test
    void specialTokenOutOfRange() {
        byte[] bytes = new TestGguf().vocab(TestGguf.tokens(40)).u32("tokenizer.ggml.eos_token_id", 40).build();
        rejects(bytes, "gguf.vocab", "tokenizer.ggml.eos_token_id", "40");
        bytes = new TestGguf().vocab(TestGguf.tokens(40)).string("tokenizer.ggml.bos_token_id", "1").build();
        rejects(bytes, "gguf.vocab", "tokenizer.ggml.bos_token_id", "STRING");
    }

    @Test
    void mergesThatAreNotStrings() {
        byte[] bytes = new TestGguf().vocab(TestGguf.tokens(10)).int32s("tokenizer.ggml.merges", 3).build();
        rejects(bytes, "gguf.vocab", "tokenizer.ggml.merges");
    }
}

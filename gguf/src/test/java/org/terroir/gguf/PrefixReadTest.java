package org.terroir.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.terroir.api.InvalidModelException;

/** Reading only the first bytes of a (remote) file. */
class PrefixReadTest {

    @Test
    void asksForMoreBytesUntilTheHeaderIsThere() {
        byte[] file = TestGguf.tinyLlama().tensor("blk.0.ffn_down.weight", GgmlType.Q8_0, 4096, 64).build();
        int have = 10;
        int tries = 0;
        GgufFile parsed = null;
        while (parsed == null) {
            tries++;
            try {
                parsed = GgufReader.read(ByteBuffer.wrap(file, 0, have), file.length, "hub/model.gguf");
            } catch (GgufNeedMoreBytesException e) {
                assertEquals("gguf.prefix", e.code());
                assertTrue(e.bytesNeeded() > have, e.bytesNeeded() + " after " + have);
                assertTrue(e.bytesNeeded() <= file.length, e.getMessage());
                assertTrue(e.getMessage().startsWith("hub/model.gguf"), e.getMessage());
                have = (int) e.bytesNeeded();
            }
        }
        // The tensor data (about 280 KB here) was never needed.
        assertTrue(have < file.length / 2, have + " of " + file.length);
        assertTrue(have >= parsed.dataOffset() - parsed.alignment(), have + " vs " + parsed.dataOffset());
        assertTrue(tries < 12, tries + " tries");
        assertEquals(file.length, parsed.fileSize());
        assertEquals("hub/model.gguf", parsed.source());
        assertEquals(5, parsed.tensors().size());
        assertEquals(GgufReader.read(ByteBuffer.wrap(file), file.length, "whole").tensors(), parsed.tensors());
    }

    @Test
    void theMessageSaysWhatIsMissingInBothLanguages() {
        byte[] file = TestGguf.tinyLlama().build();
        ByteBuffer prefix = ByteBuffer.wrap(file, 0, 100);
        String en = Lang.with("en", () -> assertThrows(GgufNeedMoreBytesException.class,
                () -> GgufReader.read(prefix, file.length, "m.gguf")).getMessage());
        String fr = Lang.with("fr", () -> assertThrows(GgufNeedMoreBytesException.class,
                () -> GgufReader.read(prefix, file.length, "m.gguf")).getMessage());
        assertTrue(en.contains("100 B given"), en);
        assertTrue(fr.contains("100 o"), fr);
        // The buffer given is left as it was.
        assertEquals(0, prefix.position());
        assertEquals(100, prefix.limit());
    }

    @Test
    void aPrefixPastTheDeclaredSizeIsATruncatedFileNotAShortPrefix() {
        byte[] file = TestGguf.tinyLlama().build();
        int declared = 200;
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> GgufReader.read(ByteBuffer.wrap(file), declared, "m.gguf"));
        assertEquals("gguf.count", e.code(), e.getMessage());
        byte[] cut = Arrays.copyOf(file, file.length - 10);
        e = assertThrows(InvalidModelException.class, () -> GgufReader.read(ByteBuffer.wrap(cut), cut.length, "m"));
        assertEquals("gguf.truncated", e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("output.weight"), e.getMessage());
    }

    @Test
    void damageInThePrefixIsReportedAtOnce() {
        byte[] file = TestGguf.tinyLlama().build();
        file[0] = 'X';
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> GgufReader.read(ByteBuffer.wrap(file, 0, 64), file.length, "m"));
        assertEquals("gguf.magic", e.code());
    }

    @Test
    void readsDirectAndReadOnlyBuffers() {
        byte[] file = TestGguf.tinyLlama().string("general.long", "y".repeat(100_000)).build();
        ByteBuffer direct = ByteBuffer.allocateDirect(file.length).put(file).flip();
        ByteBuffer readOnly = ByteBuffer.wrap(file).asReadOnlyBuffer();
        for (ByteBuffer b : new ByteBuffer[] {direct, readOnly}) {
            GgufFile f = GgufReader.read(b, file.length, "m");
            assertEquals(40, f.vocabSize());
            assertEquals(100_000, f.string("general.long").orElseThrow().length());
            assertEquals(GgufReader.read(ByteBuffer.wrap(file), file.length, "m").tensors(), f.tensors());
        }
        byte[] dup = new TestGguf().raw(o -> {
            o.str("tokenizer.ggml.tokens").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(3);
            o.str(new byte[] {(byte) 0xFF}).str(new byte[] {(byte) 0xFE}).str(new byte[] {(byte) 0xFE});
        }).build();
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> GgufReader.read(ByteBuffer.wrap(dup).asReadOnlyBuffer(), dup.length, "m"));
        assertEquals("gguf.vocab.duplicate", e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("1 and 2"), e.getMessage());
    }

    @Test
    void readsFromTheBufferPosition() {
        byte[] file = TestGguf.tinyLlama().build();
        byte[] shifted = new byte[file.length + 7];
        System.arraycopy(file, 0, shifted, 7, file.length);
        ByteBuffer buffer = ByteBuffer.wrap(shifted);
        buffer.position(7);
        assertEquals("llama", GgufReader.read(buffer, file.length, "m").architecture());
        assertEquals(7, buffer.position());
    }
}

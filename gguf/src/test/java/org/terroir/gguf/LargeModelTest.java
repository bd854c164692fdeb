package org.terroir.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shape of a real 7B Q4_K_M model, about 4 GB, with a 150k-token vocabulary. The file is sparse: only the
 * header is written, so a reader that touched the tensor data would read zeros from a hole, and the test proves
 * offsets and sizes past 2 GiB are handled.
 */
class LargeModelTest {
    private static final int VOCAB = 150_000;
    private static final int LAYERS = 32;
    private static final int EMBD = 4096;
    private static final int FF = 11008;

    @TempDir
    Path dir;

    private static TestGguf sevenB() {
        TestGguf g = new TestGguf()
                .string("general.architecture", "llama")
                .u32("general.file_type", 15)
                .u32("llama.context_length", 4096)
                .u32("llama.block_count", LAYERS)
                .vocab(TestGguf.tokens(VOCAB))
                .u32("tokenizer.ggml.eos_token_id", 2)
                .tensor("token_embd.weight", GgmlType.Q4_K, EMBD, VOCAB);
        for (int i = 0; i < LAYERS; i++) {
            String p = "blk." + i + ".";
            g.tensor(p + "attn_norm.weight", GgmlType.F32, EMBD)
                    .tensor(p + "attn_q.weight", GgmlType.Q4_K, EMBD, EMBD)
                    .tensor(p + "attn_k.weight", GgmlType.Q4_K, EMBD, EMBD)
                    .tensor(p + "attn_v.weight", GgmlType.Q6_K, EMBD, EMBD)
                    .tensor(p + "attn_output.weight", GgmlType.Q4_K, EMBD, EMBD)
                    .tensor(p + "ffn_norm.weight", GgmlType.F32, EMBD)
                    .tensor(p + "ffn_gate.weight", GgmlType.Q4_K, EMBD, FF)
                    .tensor(p + "ffn_up.weight", GgmlType.Q4_K, EMBD, FF)
                    .tensor(p + "ffn_down.weight", GgmlType.Q6_K, FF, EMBD);
        }
        g.tensor("output_norm.weight", GgmlType.F32, EMBD).tensor("output.weight", GgmlType.Q6_K, EMBD, VOCAB);
        g.data = false;
        return g;
    }

    @Test
    void readsTheHeaderOfAFourGigabyteModel() throws IOException {
        TestGguf g = sevenB();
        byte[] header = g.build();
        Path file = dir.resolve("7b.gguf");
        Files.write(file, header);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(g.describedLength);
        }

        GgufFile f = GgufReader.read(file);
        assertTrue(f.fileSize() > 3_500_000_000L, String.valueOf(f.fileSize()));
        assertEquals(2 + LAYERS * 9 + 1, f.tensors().size());
        assertEquals(VOCAB, f.vocabSize());
        assertEquals("Q4_K_M", f.quantization());
        TensorInfo last = f.tensors().get(f.tensors().size() - 1);
        assertEquals("output.weight", last.name());
        assertEquals(f.fileSize(), last.end());
        assertEquals((long) EMBD * VOCAB / 256 * 210, last.sizeBytes());
        assertEquals(f.tensorBytes(), f.bytesByType().values().stream().mapToLong(Long::longValue).sum());
        long params = (long) EMBD * VOCAB * 2 + LAYERS * (4L * EMBD * EMBD + 3L * EMBD * FF + 2L * EMBD) + EMBD;
        assertEquals(params, f.parameterCount());
    }

    @Test
    void readsTheSameHeaderFromItsFirstMegabytes() {
        TestGguf g = sevenB();
        byte[] header = g.build();
        long size = g.describedLength;
        int have = 1 << 20;
        int tries = 0;
        GgufFile f = null;
        while (f == null) {
            tries++;
            try {
                f = GgufReader.read(ByteBuffer.wrap(header, 0, Math.min(have, header.length)), size, "hub");
            } catch (GgufNeedMoreBytesException e) {
                assertTrue(e.bytesNeeded() > have);
                have = (int) e.bytesNeeded();
            }
        }
        assertTrue(tries <= 4, tries + " tries");
        assertEquals(size, f.fileSize());
        assertEquals(VOCAB, f.vocabSize());
    }
}

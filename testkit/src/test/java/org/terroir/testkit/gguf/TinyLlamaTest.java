package org.terroir.testkit.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyLlamaTest {
    @TempDir
    Path dir;

    @Test
    void unitTestModelHasTheLlamaLayout() throws IOException {
        TinyLlama model = TinyLlama.unitTest().build();
        Path file = dir.resolve("unit.gguf");
        GgufLayout layout = model.write(file);
        ParsedGguf p = ParsedGguf.parse(file);

        assertEquals("llama", p.metadata().get("general.architecture"));
        assertEquals(128L, p.metadata().get("llama.embedding_length"));
        assertEquals(2L, p.metadata().get("llama.block_count"));
        assertEquals(4L, p.metadata().get("llama.attention.head_count"));
        assertEquals(2L, p.metadata().get("llama.attention.head_count_kv"));
        assertEquals(32L, p.metadata().get("llama.rope.dimension_count"));
        assertEquals(1L, p.metadata().get("general.file_type"));
        assertEquals(TinyLlama.CHATML_TEMPLATE, p.metadata().get("tokenizer.chat_template"));
        assertEquals((long) TinyVocabulary.IM_END_ID, p.metadata().get("tokenizer.ggml.eos_token_id"));
        assertEquals(1024, ((GgufArray) p.metadata().get("tokenizer.ggml.tokens")).values().size());

        assertEquals(3 + 2 * 9, p.tensors().size());
        assertArrayEquals(new long[]{128, 1024}, dims(p, "token_embd.weight"));
        assertArrayEquals(new long[]{128, 64}, dims(p, "blk.1.attn_k.weight"), "GQA: 2 KV heads of 32");
        assertArrayEquals(new long[]{256, 128}, dims(p, "blk.0.ffn_down.weight"));
        assertArrayEquals(new long[]{128, 256}, dims(p, "blk.0.ffn_up.weight"));
        assertArrayEquals(new long[]{128}, dims(p, "output_norm.weight"));
        assertEquals(0, p.tensors().stream().filter(t -> t.name().endsWith("norm.weight")).filter(t -> t.type() != 0).count(),
                "norms are F32");

        long elements = p.tensors().stream().mapToLong(t -> t.dims().length == 1 ? t.dims()[0] : t.dims()[0] * t.dims()[1]).sum();
        assertEquals(model.parameterCount(), elements);
        assertEquals(557_696, model.parameterCount());
        assertEquals(Files.size(file), layout.fileSize());
        assertTrue(layout.fileSize() > 1_000_000 && layout.fileSize() < 1_300_000, "about 1 MB: " + layout.fileSize());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        byte[] a = Files.readAllBytes(TinyLlama.unitTest().seed(1).build().write(dir.resolve("a.gguf")).file());
        byte[] b = Files.readAllBytes(TinyLlama.unitTest().seed(1).build().write(dir.resolve("b.gguf")).file());
        byte[] c = Files.readAllBytes(TinyLlama.unitTest().seed(2).build().write(dir.resolve("c.gguf")).file());
        assertArrayEquals(a, b);
        assertEquals(a.length, c.length);
        assertTrue(!java.util.Arrays.equals(a, c));
    }

    @Test
    void presetSizes() {
        TinyLlama small = TinyLlama.small().build();
        assertEquals(20_976_128, small.parameterCount(), small.toString());
        for (long target : List.of(30_000_000L, 100_000_000L, 300_000_000L, 1_000_000_000L)) {
            TinyLlama bench = TinyLlama.bench(target).weightType(TensorType.Q4_0).build();
            System.out.println(bench);
            double ratio = bench.parameterCount() / (double) target;
            assertTrue(ratio > 0.95 && ratio < 1.05, bench + " for target " + target);
        }
    }

    @Test
    void quantisedTypesNeedWholeBlocks() {
        assertThrows(IllegalArgumentException.class,
                () -> TinyLlama.unitTest().embeddingLength(48).headCount(4).headCountKv(2).weightType(TensorType.Q4_0).build());
        assertThrows(IllegalArgumentException.class, () -> TinyLlama.unitTest().headCountKv(3).build());
        assertThrows(IllegalArgumentException.class, () -> TinyLlama.unitTest().vocabSize(100).build());
    }

    @Test
    void vocabularyIsUniqueAndMergeable() {
        TinyVocabulary vocab = TinyVocabulary.of(4096);
        assertEquals(4096, vocab.size());
        Set<String> seen = new HashSet<>();
        for (int id = 0; id < vocab.size(); id++) {
            String token = vocab.tokens().get(id);
            assertTrue(seen.add(token), "duplicate " + token);
            if (vocab.types().get(id) == TinyVocabulary.NORMAL && token.codePointCount(0, token.length()) > 1) {
                String prefix = token.substring(0, token.offsetByCodePoints(0, token.codePointCount(0, token.length()) - 1));
                assertTrue(vocab.id(prefix) >= 0, "prefix of " + token + " is a piece");
            }
        }
        assertEquals("<0x0A>", vocab.tokens().get(TinyVocabulary.FIRST_BYTE_ID + 10));
        assertEquals("<|im_end|>", vocab.tokens().get(TinyVocabulary.IM_END_ID));
        assertTrue(vocab.id("▁terroir") > 0 && vocab.id("▁the") > 0 && vocab.id("▁très") > 0);
    }

    private static long[] dims(ParsedGguf p, String name) {
        return p.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().dims();
    }
}

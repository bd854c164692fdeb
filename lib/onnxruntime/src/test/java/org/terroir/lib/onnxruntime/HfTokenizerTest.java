package org.terroir.lib.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OrtEnvironment;

class HfTokenizerTest {
    // A WordLevel tokenizer small enough to write by hand.
    static final String TOKENIZER = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[{"id":0,"content":"[PAD]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
             "model":{"type":"WordLevel","vocab":{"[PAD]":0,"[UNK]":1,"hello":2,"world":3,"terroir":4},"unk_token":"[UNK]"}}
            """;

    @Test
    void tokenizesOfflineWithTheNativeLibraryFromThisJar(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, TOKENIZER, StandardCharsets.UTF_8);
        try (HfTokenizer tokenizer = HfTokenizer.open(file, 0)) {
            HfTokenizer.Encoded e = tokenizer.encode("hello terroir world", false);
            assertArrayEquals(new long[] {2, 4, 3}, e.ids());
            assertArrayEquals(new long[] {1, 1, 1}, e.attentionMask());
            assertEquals("hello world", tokenizer.decode(new long[] {2, 3}, true));
            List<HfTokenizer.Encoded> batch = tokenizer.encodeBatch(List.of("hello", "hello world zzz"), false);
            assertArrayEquals(new long[] {2, 0, 0}, batch.get(0).ids());
            assertArrayEquals(new long[] {1, 0, 0}, batch.get(0).attentionMask());
            assertArrayEquals(new long[] {2, 3, 1}, batch.get(1).ids());
        }
        // DJL stayed offline and extracted its library under TERROIR_HOME, not into ~/.djl.ai.
        assertEquals("true", System.getProperty("ai.djl.offline"));
        Path cache = org.terroir.api.TerroirHome.root().resolve("cache/djl/engines/tokenizers");
        try (var files = Files.walk(cache)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("libtokenizers")), cache.toString());
        }
    }

    @Test
    void aMalformedTokenizerIsAnIllegalArgument(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": 42}", StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> HfTokenizer.open(file, 0).close());
    }

    @Test
    void onnxRuntimeLoadsItsNatives() {
        assertTrue(OrtEnvironment.getEnvironment().getVersion().startsWith("1.24"));
    }
}

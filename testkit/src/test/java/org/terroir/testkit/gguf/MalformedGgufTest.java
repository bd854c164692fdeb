package org.terroir.testkit.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MalformedGgufTest {
    @TempDir
    Path dir;
    private byte[] good;

    @BeforeEach
    void writeGoodFile() throws IOException {
        good = Files.readAllBytes(TinyLlama.unitTest().weightType(TensorType.Q8_0).build().write(dir.resolve("good.gguf")).file());
    }

    @ParameterizedTest
    @EnumSource(value = MalformedGguf.Defect.class, names = {"DUPLICATE_TOKENS", "TRUNCATED"}, mode = EnumSource.Mode.EXCLUDE)
    void patchesOnlyTheDefect(MalformedGguf.Defect defect) throws IOException {
        MalformedGguf.Malformed bad = MalformedGguf.write(defect, dir.resolve(defect + ".gguf"));
        byte[] bytes = Files.readAllBytes(bad.file());
        assertEquals(good.length, bytes.length);
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != good[i]) {
                changed.add(i);
            }
        }
        assertTrue(!changed.isEmpty(), "file changed");
        assertTrue(changed.get(0) >= bad.position() && changed.get(changed.size() - 1) < bad.position() + 8,
                defect + " changed " + changed + ", position " + bad.position());
    }

    @Test
    void truncatedEndsInsideTheLastTensor() throws IOException {
        MalformedGguf.Malformed bad = MalformedGguf.write(MalformedGguf.Defect.TRUNCATED, dir.resolve("t.gguf"));
        assertEquals("output.weight", bad.subject());
        assertEquals(bad.position(), Files.size(bad.file()));
        assertTrue(bad.position() < good.length && bad.position() > good.length / 2);
    }

    @Test
    void offsetPastEndPointsBeyondTheFile() throws IOException {
        MalformedGguf.Malformed bad = MalformedGguf.write(MalformedGguf.Defect.TENSOR_OFFSET_PAST_END, dir.resolve("o.gguf"));
        ParsedGguf p = ParsedGguf.parse(bad.file());
        ParsedGguf.Tensor t = p.tensors().stream().filter(x -> x.name().equals(bad.subject())).findFirst().orElseThrow();
        assertTrue(p.dataOffset() + t.offset() > Files.size(bad.file()));
        assertEquals(MalformedGguf.ABSURD,
                ByteBuffer.wrap(Files.readAllBytes(MalformedGguf.write(MalformedGguf.Defect.ABSURD_TENSOR_COUNT,
                        dir.resolve("c.gguf")).file())).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
    }

    @Test
    void duplicateTokensRepeatAToken() throws IOException {
        MalformedGguf.Malformed bad = MalformedGguf.write(MalformedGguf.Defect.DUPLICATE_TOKENS, dir.resolve("d.gguf"));
        List<?> tokens = ((GgufArray) ParsedGguf.parse(bad.file()).metadata().get("tokenizer.ggml.tokens")).values();
        assertEquals(tokens.indexOf(bad.subject()) != tokens.lastIndexOf(bad.subject()), true, bad.subject());
        assertEquals(1, tokens.size() - new java.util.HashSet<>(tokens).size(), "exactly one duplicate");
    }
}

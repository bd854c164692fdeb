package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.testkit.gguf.Architecture;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/** A tiny qwen3 model loads on today's llama.cpp and answers a French question in the assembled platform's shell. */
class EngineShellIT {
    @TempDir
    static Path dir;

    private static Path model(Architecture architecture) {
        Path file = dir.resolve("tiny-" + architecture.ggufName() + ".gguf");
        TinyLlama.unitTest(architecture).weightType(TensorType.Q8_0).tiedOutput(false).build().write(file);
        return file;
    }

    @Test
    void theShellLoadsQwen3AndAsks() throws Exception {
        try (PlatformFixture shell = PlatformFixture.start(dir.resolve("shell-home"))) {
            PlatformFixture.Result run = shell.shell("load --ctx 256 --threads 2 " + model(Architecture.QWEN3)
                    + "; ask --max-tokens 6 \"Pourquoi le ciel est bleu ?\"");
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("on llamacpp"), run.out());
            assertTrue(run.out().contains("llama.cpp v0.4.0"), run.out());
            assertTrue(run.out().contains(" tokens, "), "a stats line follows the answer: " + run.out());
        }
    }

}

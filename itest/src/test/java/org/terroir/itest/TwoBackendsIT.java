package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.testkit.onnx.MiniLm;
import org.terroir.testkit.onnx.TinyDecoder;

/**
 * llama.cpp and ONNX Runtime serving side by side through the same manager and shell commands, the backend chosen by
 * the model's format; the ONNX backend swapped while llama.cpp keeps answering.
 */
class TwoBackendsIT {
    @TempDir
    Path dir;

    @Test
    void bothBackendsServeSideBySideAndOnnxIsSwappedWhileLlamaKeepsServing() throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(gguf);
        Path minilm = MiniLm.writeTo(dir.resolve("all-MiniLM-L6-v2"), getClass().getClassLoader());
        Path decoder = TinyDecoder.small().writeTo(dir.resolve("tiny-decoder"));

        try (PlatformFixture fixture = PlatformFixture.start(dir.resolve("home"))) {
            PlatformFixture.Result run = fixture.shell("load --ctx 256 --threads 2 " + gguf + "; load " + minilm
                    + "; embed --model " + minilm.getFileName() + " \"The cat sleeps on the sofa\""
                    + " \"A kitten naps on the couch\" \"Interest rates rose again this quarter\"; load " + decoder
                    + "; ask -n 8 -t 0 hello; ps");
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("3 vector(s) of " + MiniLm.DIMENSIONS + " dimensions"), run.out());
            assertTrue(run.out().contains("on onnx"), run.out());
            assertTrue(run.out().contains("on llamacpp"), run.out());
            assertTrue(run.out().contains(" tokens, "), "the ONNX decoder answered: " + run.out());

            ModelManager models = fixture.models();
            assertEquals(3, models.loaded().size());
            LoadedModel embedder = models.find(minilm.getFileName().toString()).orElseThrow();
            List<float[]> v = embedder.embed(List.of("The cat sleeps on the sofa", "A kitten naps on the couch",
                    "Interest rates rose again this quarter"));
            assertTrue(cos(v.get(0), v.get(1)) > cos(v.get(0), v.get(2)) + 0.3, "related sentences are closer");

            // While llama.cpp streams, the ONNX bundle is stopped, updated and started again.
            LoadedModel llama = models.load(gguf.toString(), LoadOptions.defaults().withContextLength(256)
                    .withThreads(2));
            CountDownLatch streaming = new CountDownLatch(2);
            Generation generation = llama.generate(GenerationRequest.completion("Once",
                    Sampling.greedy(64).withTemperature(1.0f).withSeed(5L)), text -> streaming.countDown());
            assertTrue(streaming.await(60, TimeUnit.SECONDS));
            Bundle onnx = fixture.bundle("org.terroir.backend-onnx");
            onnx.stop();
            assertTrue(models.backends().stream().noneMatch(b -> b.id().equals("onnx")));
            assertEquals(1, models.loaded().size(), "only the llama.cpp model is left");
            onnx.update();
            onnx.start();
            GenerationStats stats = generation.result().get(60, TimeUnit.SECONDS);
            assertTrue(stats.generatedTokens() > 0, "llama.cpp kept serving");

            LoadedModel again = models.load(minilm.toString(), LoadOptions.defaults());
            assertEquals("onnx", again.backendId());
            assertEquals(MiniLm.DIMENSIONS, again.embed(List.of("encore")).get(0).length);

            // The same embed command serves a GGUF model loaded for embeddings.
            Path ggufForEmbeddings = dir.resolve("tiny-embed.gguf");
            java.nio.file.Files.copy(gguf, ggufForEmbeddings);
            PlatformFixture.Result llamaEmbed = fixture.shell("load --embeddings --ctx 256 --threads 2 "
                    + ggufForEmbeddings + "; embed --model tiny-embed \"un chat\" \"a cat\"");
            assertEquals(0, llamaEmbed.status(), llamaEmbed.err());
            assertTrue(llamaEmbed.out().contains("2 vector(s) of 128 dimensions"), llamaEmbed.out());
        }
    }

    private static double cos(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

package org.terroir.hardware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.InvalidModelException;
import org.terroir.api.NeedMoreBytesException;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.testkit.gguf.GgufLayout;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/** The service over real GGUF files written by the testkit: local files and prefixes of "remote" ones. */
class ProbingHardwareAdvisorTest {

    @Test
    void onnxModelsAreEstimatedFromTheirWeightsWithTheirExternalData(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("tiny-onnx/onnx"));
        Files.write(folder.resolve("model.onnx"), new byte[3000]);
        Files.write(folder.resolve("model.onnx_data"), new byte[5000]);
        Files.write(folder.resolve("other.onnx"), new byte[7000]);
        ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor(new HardwareProbe(dir, dir, CgroupLimit.system()));
        for (Path named : new Path[] {dir.resolve("tiny-onnx"), folder.resolve("model.onnx")}) {
            MemoryEstimate e = advisor.estimate(named, EstimateOptions.defaults());
            assertEquals(8000, e.weights().ram(), named + ": the model and its external data, not other.onnx");
            assertEquals(OnnxEstimates.MIN_WORKING, e.compute().ram());
            assertEquals(0, e.vram());
            assertTrue(e.approximate() && !e.warnings().isEmpty(), e.toString());
        }
        MemoryEstimate big = advisor.estimateOnnx(16L << 30, "big.onnx");
        assertEquals((16L << 30) / 8, big.compute().ram(), "working memory grows with the weights");
        assertEquals(big.total(), advisor.fitOnnx(16L << 30, "big.onnx").estimate().total());
        Fit huge = advisor.fitOnnx(1L << 50, "huge.onnx");
        assertEquals(org.terroir.api.hardware.Verdict.TOO_LARGE, huge.verdict(), huge.reason());
        assertTrue(huge.approximate());
        assertThrows(InvalidModelException.class, () -> advisor.estimateOnnx(0, "empty.onnx"));
        assertThrows(InvalidModelException.class, () -> advisor.estimate(dir.resolve("missing.onnx"),
                EstimateOptions.defaults()));
    }

    @Test
    void estimatesARealFileAndTheSameFromItsPrefix(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("small-q8.gguf");
        TinyLlama model = TinyLlama.small().weightType(TensorType.Q8_0).build();
        model.write(file);
        ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor(new HardwareProbe(dir, dir, CgroupLimit.system()));
        EstimateOptions o = EstimateOptions.defaults().withMmap(false).withContextLength(1024);
        MemoryEstimate local = advisor.estimate(file, o);
        assertFalse(local.approximate(), local.warnings().toString());
        assertEquals(4, local.layerCount());
        // weights = every tensor's bytes: the file minus header, metadata and alignment padding
        long size = Files.size(file);
        assertTrue(local.weights().total() < size && local.weights().total() > size * 0.8, local.toString());
        // K/V: 4 layers × 1024 cells × 4 K/V heads × (64 + 64) × 2 bytes
        assertEquals(4L * 1024 * 4 * 128 * 2, local.kvCache().total());

        byte[] all = Files.readAllBytes(file);
        // As the catalog does: fetch more of the file while the reader says it needs more.
        int have = 64;
        MemoryEstimate remote = null;
        int rounds = 0;
        while (remote == null) {
            try {
                remote = advisor.estimate(ByteBuffer.wrap(all, 0, have).slice(), all.length,
                        "https://example/small-q8.gguf", o);
            } catch (NeedMoreBytesException e) {
                assertTrue(e.bytesNeeded() > have, e.getMessage());
                have = (int) Math.min(all.length, Math.max(e.bytesNeeded(), have * 2L));
                rounds++;
            }
        }
        assertTrue(rounds > 0 && have < all.length / 10, "read " + have + " of " + all.length);
        assertEquals(local, remote);
    }

    @Test
    void aBrokenFileIsAnInvalidModelNotACrash(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.gguf");
        Files.write(file, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0});
        ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor(new HardwareProbe(dir, dir, CgroupLimit.system()));
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> advisor.fit(file, EstimateOptions.defaults()));
        assertTrue(e.code().startsWith("gguf."), e.code());
    }

    @Test
    void theProfileIsCachedUntilReprobed(@TempDir Path dir) throws IOException {
        ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor(new HardwareProbe(dir, dir, CgroupLimit.system()));
        HardwareProfile first = advisor.profile();
        assertSame(first, advisor.profile());
        assertNotSame(first, advisor.reprobe());
        assertNotNull(advisor.tier());
        assertFalse(advisor.advice(Locale.FRENCH).tasks().isEmpty());

        Path file = dir.resolve("unit.gguf");
        GgufLayout layout = TinyLlama.unitTest().weightType(TensorType.Q4_0).build().write(file);
        assertNotNull(layout);
        Fit fit = advisor.fit(file, EstimateOptions.defaults());
        assertNotNull(fit.verdict());
        assertTrue(fit.maxContextThatFits() >= 512, fit.toString());
    }
}

package org.terroir.hardware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.terroir.api.TerroirException;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.gguf.GgmlType;

/** Wrong metadata give an approximate estimate with a clear warning, or a clear error: never a stack trace. */
class BadMetadataTest {
    private final MemoryEstimator estimator = new MemoryEstimator(new Calibration(0, 0, 0, false, true));
    private final EstimateOptions ctx256 = EstimateOptions.defaults().withContextLength(256);
    private String lang;

    @BeforeEach
    void english() {
        lang = System.getProperty("terroir.lang");
        System.setProperty("terroir.lang", "en");
    }

    @AfterEach
    void restore() {
        if (lang == null) {
            System.clearProperty("terroir.lang");
        } else {
            System.setProperty("terroir.lang", lang);
        }
    }

    private static TestShapes model() {
        return TestShapes.llama(2, 64, 4, 2, 128, 1000, 2048, GgmlType.F16);
    }

    private MemoryEstimate exact() {
        return estimator.estimate(model().shape(), ctx256);
    }

    @Test
    void missingBlockCountIsTakenFromTheTensors() {
        MemoryEstimate e = estimator.estimate(model().remove("block_count").shape(), ctx256);
        assertTrue(e.approximate());
        assertEquals(List.of("Metadata key llama.block_count is missing."), e.warnings());
        assertEquals(2, e.layerCount());
        assertEquals(exact().kvCache(), e.kvCache());
    }

    @Test
    void negativeOrAbsurdValuesAreReportedAndReplaced() {
        MemoryEstimate neg = estimator.estimate(model().put("attention.head_count_kv", -2L).shape(), ctx256);
        assertTrue(neg.approximate());
        assertTrue(neg.warnings().get(0).contains("llama.attention.head_count_kv")
                && neg.warnings().get(0).contains("-2"), neg.warnings().toString());
        // the K/V projections' widths still give the exact cache
        assertEquals(exact().kvCache(), neg.kvCache());

        MemoryEstimate absurd = estimator.estimate(model().put("block_count", 1_000_000_000L).shape(), ctx256);
        assertTrue(absurd.warnings().get(0).contains("impossible value (1000000000)"), absurd.warnings().toString());
        assertEquals(2, absurd.layerCount());

        MemoryEstimate ctx = estimator.estimate(model().put("context_length", -1L).shape(),
                EstimateOptions.defaults());
        assertTrue(ctx.approximate());
        assertEquals(4096, ctx.contextLength());
    }

    @Test
    void anArrayWhereANumberBelongsIsReported() {
        MemoryEstimate e = estimator.estimate(model().put("attention.head_count", List.of(4L, 4L)).shape(), ctx256);
        assertTrue(e.approximate());
        assertTrue(e.warnings().get(0).contains("holds an array"), e.warnings().toString());
        assertEquals(exact().kvCache(), e.kvCache());
        MemoryEstimate s = estimator.estimate(model().put("embedding_length", "sixty-four").shape(), ctx256);
        assertTrue(s.warnings().get(0).contains("sixty-four"), s.warnings().toString());
        assertEquals(exact().weights(), s.weights());
    }

    @Test
    void perLayerKvHeadsArraysAreLegitimate() {
        MemoryEstimate e = estimator.estimate(model().put("attention.head_count_kv", List.of(2L, 2L)).shape(),
                ctx256);
        assertEquals(exact().kvCache(), e.kvCache());
        assertTrue(e.warnings().isEmpty(), e.warnings().toString());
    }

    @Test
    void metadataThatDisagreeWithTheTensorsLoseAndSaySo() {
        MemoryEstimate e = estimator.estimate(model().put("attention.head_count_kv", 4L).shape(), ctx256);
        assertEquals(exact().kvCache(), e.kvCache());
        assertTrue(e.approximate());
    }

    @Test
    void unknownArchitectureIsEstimatedFromTensorsAndMarkedApproximate() {
        TestShapes s = TestShapes.llama("mysterynet", 2, 64, 4, 2, 128, 1000, 2048, GgmlType.F16, GgmlType.F16);
        s.metadata.clear();
        s.metadata.put("general.architecture", "mysterynet");
        MemoryEstimate e = estimator.estimate(s.shape(), ctx256);
        assertTrue(e.approximate());
        assertTrue(e.warnings().get(0).contains("mysterynet"), e.warnings().toString());
        assertEquals(exact().kvCache(), e.kvCache());
        assertEquals(exact().weights(), e.weights());
    }

    @Test
    void nothingToGoOnIsAClearLocalizedError() {
        TestShapes s = new TestShapes();
        s.metadata.put("general.architecture", "llama");
        s.tensor("something", GgmlType.F32, 16);
        TerroirException en = assertThrows(TerroirException.class, () -> estimator.estimate(s.shape(), ctx256));
        assertEquals("hardware.estimate.impossible", en.code());
        assertTrue(en.getMessage().startsWith("Cannot estimate test-llama.gguf"), en.getMessage());
        System.setProperty("terroir.lang", "fr");
        TerroirException fr = assertThrows(TerroirException.class, () -> estimator.estimate(s.shape(), ctx256));
        assertTrue(fr.getMessage().startsWith("Impossible d'estimer test-llama.gguf"), fr.getMessage());
    }

    @Test
    void warningsAreInFrenchToo() {
        System.setProperty("terroir.lang", "fr");
        MemoryEstimate e = estimator.estimate(model().remove("block_count").shape(), ctx256);
        assertEquals(List.of("La clé de métadonnées llama.block_count est absente."), e.warnings());
        assertEquals(Locale.FRENCH, org.terroir.api.i18n.Texts.locale());
    }
}

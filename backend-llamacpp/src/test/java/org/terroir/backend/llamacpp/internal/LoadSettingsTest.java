package org.terroir.backend.llamacpp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.ModelLoadException;

class LoadSettingsTest {
    private static final LoadOptions DEFAULTS = LoadOptions.defaults();

    @Test
    void defaultsComeFromTheConfigurationAndAreCappedByTheModel() {
        LoadSettings settings = LoadSettings.resolve(TestConfig.defaults(), DEFAULTS, 512, 8);
        assertEquals(new LoadSettings(512, 4, 512, 0, true, false), settings);
        LoadSettings big = LoadSettings.resolve(TestConfig.defaults(), DEFAULTS, 32768, 2);
        assertEquals(4096, big.contextLength());
        assertEquals(2, big.threads());
    }

    @Test
    void explicitOptionsWin() {
        LoadOptions options = new LoadOptions(256, 3, 64, -1, false, true);
        assertEquals(new LoadSettings(256, 3, 64, -1, false, true),
                LoadSettings.resolve(TestConfig.defaults(), options, 512, 4));
    }

    @Test
    void aSmallContextGetsASmallerDefaultBatch() {
        assertEquals(100, LoadSettings.resolve(TestConfig.defaults(), DEFAULTS.withContextLength(100), 512, 4)
                .batchSize());
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheirLimits() {
        assertRefused("llamacpp.option.context", DEFAULTS.withContextLength(8), "16", "2048");
        assertRefused("llamacpp.option.context", DEFAULTS.withContextLength(2049), "16", "2048");
        assertRefused("llamacpp.option.threads", DEFAULTS.withThreads(-2), "1", "8");
        assertRefused("llamacpp.option.threads", DEFAULTS.withThreads(9), "1", "8");
        assertRefused("llamacpp.option.batch", DEFAULTS.withContextLength(256).withBatchSize(257), "1", "256");
        assertRefused("llamacpp.option.gpuLayers", DEFAULTS.withGpuLayers(-5), "-5");
    }

    @Test
    void aModelWithoutContextMetadataIsLimitedToOneMillionTokens() {
        assertEquals(1 << 20, LoadSettings.resolve(TestConfig.defaults(), DEFAULTS.withContextLength(1 << 20), 0, 4)
                .contextLength());
        assertThrows(ModelLoadException.class, () -> LoadSettings.resolve(TestConfig.defaults(),
                DEFAULTS.withContextLength((1 << 20) + 1), 0, 4));
    }

    @Test
    void badConfiguredDefaultsAreRefusedToo() {
        LlamaCppConfig config = TestConfig.with(Map.of("threads", 1000));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> LoadSettings.resolve(config, DEFAULTS, 512, 4));
        assertEquals("llamacpp.option.threads", e.code());
    }

    private static void assertRefused(String code, LoadOptions options, String... inMessage) {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> LoadSettings.resolve(TestConfig.defaults(), options, 512, 4));
        assertEquals(code, e.code());
        for (String part : inMessage) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }
}

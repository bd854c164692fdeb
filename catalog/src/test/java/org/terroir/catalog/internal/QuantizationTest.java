package org.terroir.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class QuantizationTest {
    @Test
    void readsTheQuantisationsPublishersPutInFileNames() {
        assertEquals("Q4_K_M", Quantization.fromFileName("qwen2.5-7b-instruct-q4_k_m.gguf"));
        assertEquals("Q8_0", Quantization.fromFileName("Llama-3.2-1B-Instruct-Q8_0.gguf"));
        assertEquals("IQ4_XS", Quantization.fromFileName("Mistral-7B-Instruct-v0.3-IQ4_XS.gguf"));
        assertEquals("IQ2_XXS", Quantization.fromFileName("model.IQ2_XXS.gguf"));
        assertEquals("F16", Quantization.fromFileName("gemma-2-2b-it-f16.gguf"));
        assertEquals("F16", Quantization.fromFileName("model-fp16.gguf"));
        assertEquals("BF16", Quantization.fromFileName("Phi-3.5-mini-instruct-bf16.gguf"));
        assertEquals("Q6_K", Quantization.fromFileName("Q6_K/model-Q6_K-00001-of-00002.gguf"));
        assertEquals("Q4_0", Quantization.fromFileName("model-Q4_0_4_4.gguf"));
        assertEquals("Q3_K_XL", Quantization.fromFileName("model-Q3_K_XL.gguf"));
        assertEquals("Q4_K_M", Quantization.fromFileName("Llama-3-8B-F16-Q4_K_M.gguf"));
        assertEquals("MXFP4", Quantization.fromFileName("gpt-oss-20b-MXFP4.gguf"));
        assertNull(Quantization.fromFileName("README.md"));
        assertNull(Quantization.fromFileName("Qwen2.5-Q8Chat.gguf"));
    }

    @Test
    void matchesWhatPeopleType() {
        assertTrue(Quantization.matches("q4_k_m", "Q4_K_M"));
        assertTrue(Quantization.matches("Q4-K-M", "Q4_K_M"));
        assertFalse(Quantization.matches("Q4_K_S", "Q4_K_M"));
    }
}

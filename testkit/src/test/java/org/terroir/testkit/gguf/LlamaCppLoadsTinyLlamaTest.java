package org.terroir.testkit.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves that the llama.cpp bundled in de.kherud:llama (b4916) loads and runs the generated models. Surefire gives
 * this class its own JVM and a private library temp dir (see pom). Native models are never freed, so it loads few.
 */
class LlamaCppLoadsTinyLlamaTest {
    private static final int TOKENS = 16;

    @TempDir
    static Path dir;

    private static ModelParameters parameters(Path model) {
        return new ModelParameters().setModel(model.toString()).setCtxSize(256).setThreads(2).skipWarmup();
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"F16", "Q8_0", "Q4_0"})
    void generatesTokensGreedily(TensorType type) {
        TinyLlama spec = TinyLlama.unitTest().weightType(type).build();
        Path file = spec.write(dir.resolve("unit-" + type + ".gguf")).file();
        long t0 = System.nanoTime();
        try (LlamaModel model = new LlamaModel(parameters(file))) {
            long t1 = System.nanoTime();
            List<String> pieces = new ArrayList<>();
            for (LlamaOutput out : model.generate(new InferenceParameters("The wine of the terroir is")
                    .setNPredict(TOKENS).setTemperature(0f).setSeed(1))) {
                pieces.add(out.text);
            }
            long t2 = System.nanoTime();
            System.out.printf("%s: load %.0f ms, %d tokens in %.0f ms: %s%n", spec, (t1 - t0) / 1e6, pieces.size(),
                    (t2 - t1) / 1e6, String.join("", pieces));
            // the iterator ends with one more output, empty, that carries the stop
            assertEquals("", pieces.remove(pieces.size() - 1), "last output: " + pieces);
            assertEquals(TOKENS, pieces.size(), "every step yields a token, none is EOS: " + pieces);
            assertTrue(pieces.stream().noneMatch(String::isEmpty), "each token has text: " + pieces);
            assertFalse(String.join("", pieces).isBlank(), "generated text: " + pieces);
        }
    }

    @Test
    void eagerEosEndsGenerationEarly() {
        Path file = TinyLlama.unitTest().weightType(TensorType.Q4_0).eagerEos(true).build()
                .write(dir.resolve("eager-eos.gguf")).file();
        try (LlamaModel model = new LlamaModel(parameters(file))) {
            int outputs = 0;
            for (LlamaOutput out : model.generate(new InferenceParameters("Bonjour").setNPredict(TOKENS).setTemperature(0f))) {
                outputs++;
            }
            System.out.println("eager EOS: " + outputs + " outputs");
            assertTrue(outputs < TOKENS, "stopped on EOS after " + outputs + " outputs");
        }
    }

    @Test
    void chatTemplateTokenizerAndEmbeddings() {
        TinyLlama spec = TinyLlama.unitTest().weightType(TensorType.Q8_0).build();
        Path file = spec.write(dir.resolve("unit-embed.gguf")).file();
        try (LlamaModel model = new LlamaModel(parameters(file).enableEmbedding())) {
            String prompt = model.applyTemplate(new InferenceParameters("")
                    .setMessages("You are terse.", List.of(new Pair<>("user", "hi"))));
            System.out.println("template: " + prompt);
            assertTrue(prompt.contains("<|im_start|>system\nYou are terse.<|im_end|>"), prompt);
            assertTrue(prompt.contains("<|im_start|>user\nhi<|im_end|>"), prompt);
            assertTrue(prompt.endsWith("<|im_start|>assistant\n"), prompt);

            String text = "Bonjour, the wine of the terroir est très bon! Où est le fromage?";
            int[] tokens = model.encode(text);
            System.out.println(tokens.length + " tokens for " + text.length() + " chars");
            assertTrue(tokens.length < text.length(), "word pieces, not only bytes: " + tokens.length);
            assertEquals(text, model.decode(tokens).strip());

            float[] embedding = model.embed("Le vin du terroir");
            assertEquals(spec.embeddingLength(), embedding.length);
            for (float v : embedding) {
                assertTrue(Float.isFinite(v), "finite embedding");
            }
        }
    }
}

package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.lib.onnxruntime.HfTokenizer;
import org.terroir.testkit.onnx.MiniLm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/** The real all-MiniLM-L6-v2 (quantised) through the backend, against plain ONNX Runtime Java. */
class MiniLmTest {
    static final List<String> SENTENCES = List.of(
            "The cat sleeps on the sofa.",
            "A kitten is napping on the couch.",
            "Interest rates rose sharply at the central bank meeting.",
            "Le chat dort sur le canapé.",
            "Un chaton fait la sieste sur le divan.",
            "La banque centrale a fortement relevé ses taux d'intérêt.",
            "Terroir");

    @TempDir
    static Path dir;
    static Path folder;
    static OnnxBackend backend;
    static LoadedModel model;

    @BeforeAll
    static void load() {
        folder = MiniLm.writeTo(dir.resolve("all-MiniLM-L6-v2"), MiniLmTest.class.getClassLoader());
        backend = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(2));
        ModelDescriptor d = backend.describe(folder).orElseThrow();
        assertEquals("384", d.property(ModelDescriptor.EMBEDDING_LENGTH));
        model = backend.load(d, LoadOptions.defaults().withEmbeddings(true));
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @Test
    void embeddingsEqualPlainOnnxRuntime() throws Exception {
        List<float[]> ours = model.embed(SENTENCES);
        assertEquals(SENTENCES.size(), ours.size());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (HfTokenizer tokenizer = HfTokenizer.open(folder.resolve("tokenizer.json"), 512);
                OrtSession session = env.createSession(folder.resolve("model.onnx").toString())) {
            for (int i = 0; i < SENTENCES.size(); i++) {
                assertClose(plainOrt(env, session, tokenizer, SENTENCES.get(i)), ours.get(i), i);
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, int i) {
        assertEquals(MiniLm.DIMENSIONS, actual.length);
        float worst = 0;
        for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
        }
        assertTrue(worst <= 1e-5f, "sentence " + i + " differs by " + worst);
        assertEquals(1.0, dot(actual, actual), 1e-5);
    }

    /** One sentence through ONNX Runtime directly: mean over the attention mask, then L2 normalisation. */
    static float[] plainOrt(OrtEnvironment env, OrtSession session, HfTokenizer tokenizer, String sentence)
            throws Exception {
        HfTokenizer.Encoded e = tokenizer.encode(sentence, true);
        long[] shape = {1, e.length()};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(e.ids()), shape);
                OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(e.attentionMask()), shape);
                OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[e.length()]), shape);
                OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                        "token_type_ids", types))) {
            FloatBuffer hidden = ((OnnxTensor) r.get("last_hidden_state").orElseThrow()).getFloatBuffer();
            int dim = MiniLm.DIMENSIONS;
            float[] mean = new float[dim];
            int count = 0;
            for (int t = 0; t < e.length(); t++) {
                if (e.attentionMask()[t] == 1) {
                    count++;
                    for (int k = 0; k < dim; k++) {
                        mean[k] += hidden.get(t * dim + k);
                    }
                }
            }
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                mean[k] /= count;
                norm += mean[k] * mean[k];
            }
            for (int k = 0; k < dim; k++) {
                mean[k] /= (float) Math.sqrt(norm);
            }
            return mean;
        }
    }

    @Test
    void relatedSentencesScoreFarCloserThanUnrelatedOnes() {
        List<float[]> v = model.embed(SENTENCES);
        double catEn = dot(v.get(0), v.get(1));
        double catFr = dot(v.get(3), v.get(4));
        double bankEnFr = dot(v.get(2), v.get(5));
        assertTrue(catEn > dot(v.get(0), v.get(2)) + 0.3, "en: " + catEn + " vs " + dot(v.get(0), v.get(2)));
        assertTrue(catFr > dot(v.get(3), v.get(5)) + 0.1, "fr: " + catFr + " vs " + dot(v.get(3), v.get(5)));
        assertTrue(bankEnFr > dot(v.get(2), v.get(4)), "en/fr: " + bankEnFr);
    }

    @Test
    void batchingGivesTheSameVectorsAsOneByOne() {
        List<float[]> batch = model.embed(SENTENCES);
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] single = model.embed(List.of(SENTENCES.get(i))).get(0);
            assertTrue(dot(single, batch.get(i)) > 0.999, "sentence " + i);
        }
    }

    @Test
    void anEmbeddingModelDoesNotGenerate() {
        GenerationException e = assertThrows(GenerationException.class, () -> model.generate(
                GenerationRequest.completion("hello", Sampling.greedy(3)), null));
        assertEquals("onnx.generate.unsupported", e.code());
        assertEquals(org.terroir.api.ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(model.supportsEmbeddings());
        assertTrue(model.tokenize("hello world").length == 2);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}

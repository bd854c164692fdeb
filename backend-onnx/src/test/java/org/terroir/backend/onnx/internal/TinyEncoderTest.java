package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.testkit.onnx.TinyEncoder;

/** Batched embeddings of a float model: texts of different lengths padded together, pooled over their mask. */
class TinyEncoderTest {
    @TempDir
    Path dir;

    @Test
    void batchedPaddedEmbeddingsEqualTheMaskedMeanOfEachText() {
        TinyEncoder spec = TinyEncoder.small();
        Path folder = spec.writeTo(dir.resolve("encoder"));
        // A batch of 2 so that texts are padded, split over several runs.
        OnnxBackend backend = new OnnxBackend(new OnnxSettings(1, 1, "ALL_OPT", 2, 64, 0));
        List<String> texts = List.of("wine", "the red wine of the old cellar", "sol et soleil", "vin", "hello world");
        try (LoadedModel model = backend.load(backend.describe(folder).orElseThrow(), LoadOptions.defaults())) {
            List<float[]> vectors = model.embed(texts);
            assertEquals(texts.size(), vectors.size());
            for (int i = 0; i < texts.size(); i++) {
                int[] ids = model.tokenize(texts.get(i));
                float[] mean = new float[spec.hiddenSize()];
                for (int id : ids) {
                    float[] v = spec.tokenVector(id);
                    for (int k = 0; k < mean.length; k++) {
                        mean[k] += v[k] / ids.length;
                    }
                }
                assertArrayEquals(EmbeddingModel.normalise(mean), vectors.get(i), 1e-5f, texts.get(i));
            }
        }
    }
}

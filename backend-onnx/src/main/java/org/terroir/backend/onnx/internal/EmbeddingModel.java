package org.terroir.backend.onnx.internal;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.TokenListener;
import org.terroir.lib.onnxruntime.HfTokenizer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** A sentence-transformers style encoder: mean pooling over the attention mask, then L2 normalisation. */
final class EmbeddingModel extends OnnxModel {
    private final OrtEnvironment env;
    private final int batchSize;
    private final int maxTokens;

    EmbeddingModel(ModelDescriptor descriptor, OrtEnvironment env, OrtSession session, HfTokenizer tokenizer,
            ModelLayout layout, int batchSize, int maxTokens, java.util.function.Consumer<OnnxModel> onClose) {
        super(descriptor, session, tokenizer, layout, onClose);
        this.env = env;
        this.batchSize = batchSize;
        this.maxTokens = maxTokens;
    }

    @Override
    public int contextLength() {
        return maxTokens;
    }

    @Override
    public boolean supportsEmbeddings() {
        return true;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        throw new GenerationException(ErrorKind.UNSUPPORTED, "onnx.generate.unsupported",
                Messages.get("onnx.generate.unsupported", descriptor.name()));
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return withSession(() -> {
            List<float[]> out = new ArrayList<>(texts.size());
            for (int from = 0; from < texts.size(); from += batchSize) {
                out.addAll(embedBatch(texts.subList(from, Math.min(texts.size(), from + batchSize))));
            }
            return out;
        });
    }

    private List<float[]> embedBatch(List<String> texts) {
        List<HfTokenizer.Encoded> encoded = tokenizer.encodeBatch(texts, true);
        int b = texts.size();
        int t = encoded.stream().mapToInt(HfTokenizer.Encoded::length).max().orElse(0);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        for (int i = 0; i < b; i++) {
            HfTokenizer.Encoded e = encoded.get(i);
            System.arraycopy(e.ids(), 0, ids, i * t, e.length());
            System.arraycopy(e.attentionMask(), 0, mask, i * t, e.length());
        }
        long[] shape = {b, t};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(mask), shape));
            if (layout.tokenTypeIds()) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(new long[b * t]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, java.util.Set.of(layout.hiddenOutput()))) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hs = hidden.getInfo().getShape();
                FloatBuffer data = hidden.getFloatBuffer();
                return layout.pooled() ? rows(data, b, (int) hs[1]) : meanPool(data, mask, b, t, (int) hs[2]);
            }
        } catch (OrtException e) {
            throw new TerroirException("onnx.embed.failed", Messages.get("onnx.embed.failed", descriptor.name(),
                    e.getMessage()), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Mean of the token vectors whose mask is 1, normalised to length 1. */
    static List<float[]> meanPool(FloatBuffer hidden, long[] mask, int batch, int tokens, int dim) {
        List<float[]> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            double[] sum = new double[dim];
            long count = 0;
            for (int j = 0; j < tokens; j++) {
                if (mask[i * tokens + j] == 0) {
                    continue;
                }
                count++;
                int base = (i * tokens + j) * dim;
                for (int k = 0; k < dim; k++) {
                    sum[k] += hidden.get(base + k);
                }
            }
            float[] v = new float[dim];
            for (int k = 0; k < dim; k++) {
                v[k] = (float) (sum[k] / Math.max(1, count));
            }
            out.add(normalise(v));
        }
        return out;
    }

    private static List<float[]> rows(FloatBuffer data, int batch, int dim) {
        List<float[]> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            float[] v = new float[dim];
            data.get(i * dim, v);
            out.add(normalise(v));
        }
        return out;
    }

    static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 1e-12) {
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) (v[k] / norm);
            }
        }
        return v;
    }
}

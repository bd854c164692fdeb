package org.terroir.testkit.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A tiny float32 "sentence encoder" folder: {@code input_ids}, {@code attention_mask}, {@code token_type_ids} in,
 * {@code last_hidden_state} = tanh(token embedding + type embedding) out, with the tokenizer of
 * {@link TinyDecoder}. Each token's vector depends on that token only, so a test can compute the expected mean
 * pooling from {@link #tokenVector(long)} and check batching and padding exactly.
 *
 * @param hiddenSize vector size
 * @param seed       weight seed
 */
public record TinyEncoder(int hiddenSize, long seed) {
    public static TinyEncoder small() {
        return new TinyEncoder(16, 3);
    }

    public Path writeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve("model.onnx"), modelBytes());
            Files.writeString(folder.resolve("tokenizer.json"), TinyDecoder.small().tokenizerJson(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"terroir-tiny-encoder\", \"hidden_size\": "
                    + hiddenSize + ", \"max_position_embeddings\": 128}\n", StandardCharsets.UTF_8);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private float[] embeddings() {
        Random random = new Random(seed);
        float[] e = new float[TinyDecoder.vocabSize() * hiddenSize];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) random.nextGaussian();
        }
        return e;
    }

    /** The output vector of a token (type 0), as the model computes it. */
    public float[] tokenVector(long id) {
        float[] e = embeddings();
        float[] v = new float[hiddenSize];
        for (int k = 0; k < hiddenSize; k++) {
            v[k] = (float) Math.tanh(e[(int) id * hiddenSize + k]);
        }
        return v;
    }

    public byte[] modelBytes() {
        OnnxGraph g = new OnnxGraph();
        g.input("input_ids", OnnxGraph.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", OnnxGraph.INT64, "batch_size", "sequence_length");
        g.input("token_type_ids", OnnxGraph.INT64, "batch_size", "sequence_length");
        g.output("last_hidden_state", OnnxGraph.FLOAT, "batch_size", "sequence_length", hiddenSize);
        String tokens = g.floats("embed_tokens", embeddings(), TinyDecoder.vocabSize(), hiddenSize);
        String types = g.floats("embed_types", new float[2 * hiddenSize], 2, hiddenSize);
        String x = g.op("Add", List.of(g.op("Gather", List.of(tokens, "input_ids"), OnnxGraph.Attr.i("axis", 0)),
                g.op("Gather", List.of(types, "token_type_ids"), OnnxGraph.Attr.i("axis", 0))));
        // Like a real encoder, padding positions get vectors of their own: pooling must skip them. The mask is
        // read (times zero) only so that it stays a graph input.
        String mask = g.op("Unsqueeze", List.of(g.op("Cast", List.of("attention_mask"),
                OnnxGraph.Attr.i("to", OnnxGraph.FLOAT)), g.longs("last_axis", new long[] {2}, 1)));
        String zero = g.floats("zero", new float[] {0f});
        g.opNamed("Add", "last_hidden_state", List.of(g.op("Tanh", List.of(x)), g.op("Mul", List.of(mask, zero))));
        return g.toBytes("tiny-encoder");
    }
}

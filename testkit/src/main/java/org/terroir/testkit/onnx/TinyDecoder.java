package org.terroir.testkit.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny random-weight decoder-only model in the Hugging Face Optimum export layout, written as a model folder:
 * {@code model.onnx}, {@code tokenizer.json} (WordLevel), {@code tokenizer_config.json} (with a ChatML chat
 * template), {@code config.json} and {@code generation_config.json}.
 *
 * <p>Inputs: {@code input_ids}, {@code attention_mask}, {@code position_ids} and, per layer,
 * {@code past_key_values.N.key/value} of shape [batch, heads, past, headDim]. Outputs: {@code logits} and
 * {@code present.N.key/value}. Each layer is one multi-head attention block reading the token and position
 * embeddings; their outputs are summed into the residual stream, then projected to the vocabulary. Keys and
 * values depend on the embeddings only, so a KV cache is exact: greedy decoding with and without it must agree.
 *
 * @param hiddenSize model width
 * @param heads      attention heads (divides hiddenSize)
 * @param layers     attention blocks, each with its own past_key_values pair
 * @param maxPositions context length
 * @param seed       weight seed
 */
public record TinyDecoder(int hiddenSize, int heads, int layers, int maxPositions, long seed) {
    /** Special tokens, in id order, before the words. */
    public static final List<String> SPECIAL = List.of("<unk>", "<|im_start|>", "<|im_end|>", "<|endoftext|>");
    public static final int IM_END_ID = 2;
    public static final int EOS_ID = 3;
    /** Words of the vocabulary (after the special tokens). */
    public static final List<String> WORDS = List.of("system", "user", "assistant", "the", "a", "wine", "vin",
            "terroir", "grape", "raisin", "soil", "sol", "sun", "soleil", "rain", "pluie", "red", "rouge", "white",
            "blanc", "old", "vieux", "young", "jeune", "cellar", "cave", "bottle", "bouteille", "is", "est", "and",
            "et", "of", "de", "hello", "bonjour", "world", "monde", "good", "bon", "night", "nuit", ".", ",", "!",
            "?", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");

    public static final String CHATML_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] "
            + "+ '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** About 30 k parameters: writes in milliseconds, runs hundreds of tokens per second. */
    public static TinyDecoder small() {
        return new TinyDecoder(32, 2, 2, 256, 42);
    }

    public TinyDecoder {
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("heads must divide hiddenSize");
        }
    }

    public static int vocabSize() {
        return SPECIAL.size() + WORDS.size();
    }

    /** Writes the model folder (created if needed) and returns it. */
    public Path writeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve("model.onnx"), modelBytes());
            Files.writeString(folder.resolve("tokenizer.json"), tokenizerJson(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("tokenizer_config.json"), tokenizerConfigJson(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("generation_config.json"),
                    "{\"eos_token_id\": [" + IM_END_ID + ", " + EOS_ID + "]}\n", StandardCharsets.UTF_8);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ONNX model alone. */
    public byte[] modelBytes() {
        int v = vocabSize();
        int d = hiddenSize;
        int hd = d / heads;
        Random random = new Random(seed);
        OnnxGraph g = new OnnxGraph();
        g.input("input_ids", OnnxGraph.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", OnnxGraph.INT64, "batch_size", "total_sequence_length");
        g.input("position_ids", OnnxGraph.INT64, "batch_size", "sequence_length");
        for (int l = 0; l < layers; l++) {
            g.input("past_key_values." + l + ".key", OnnxGraph.FLOAT, "batch_size", heads, "past_sequence_length", hd);
            g.input("past_key_values." + l + ".value", OnnxGraph.FLOAT, "batch_size", heads, "past_sequence_length", hd);
        }
        g.output("logits", OnnxGraph.FLOAT, "batch_size", "sequence_length", v);
        for (int l = 0; l < layers; l++) {
            g.output("present." + l + ".key", OnnxGraph.FLOAT, "batch_size", heads, "total_sequence_length", hd);
            g.output("present." + l + ".value", OnnxGraph.FLOAT, "batch_size", heads, "total_sequence_length", hd);
        }

        String tokEmb = g.floats("embed_tokens", gaussian(random, v * d, 1f), v, d);
        String posEmb = g.floats("embed_positions", gaussian(random, maxPositions * d, 0.5f), maxPositions, d);
        String splitShape = g.longs("split_shape", new long[] {0, 0, heads, hd}, 4);
        String mergeShape = g.longs("merge_shape", new long[] {0, 0, d}, 3);
        String maskAxes = g.longs("mask_axes", new long[] {1, 2}, 2);
        String one = g.floats("one", new float[] {1f});
        String big = g.floats("big", new float[] {1e9f});
        String scale = g.floats("scale", new float[] {(float) (1 / Math.sqrt(hd))});

        String x = g.op("Add", List.of(
                g.op("Gather", List.of(tokEmb, "input_ids"), OnnxGraph.Attr.i("axis", 0)),
                g.op("Gather", List.of(posEmb, "position_ids"), OnnxGraph.Attr.i("axis", 0))));
        // Additive mask [batch, 1, 1, total]: 0 where attention_mask is 1, -1e9 where it is 0.
        String maskF = g.op("Cast", List.of("attention_mask"), OnnxGraph.Attr.i("to", OnnxGraph.FLOAT));
        String additive = g.op("Unsqueeze", List.of(
                g.op("Mul", List.of(g.op("Sub", List.of(maskF, one)), big)), maskAxes));

        String residual = x;
        float w = (float) (1 / Math.sqrt(d));
        for (int l = 0; l < layers; l++) {
            String q = heads(g, x, g.floats("l" + l + ".wq", gaussian(random, d * d, w), d, d), splitShape);
            String k = heads(g, x, g.floats("l" + l + ".wk", gaussian(random, d * d, w), d, d), splitShape);
            String val = heads(g, x, g.floats("l" + l + ".wv", gaussian(random, d * d, w), d, d), splitShape);
            String keys = g.opNamed("Concat", "present." + l + ".key",
                    List.of("past_key_values." + l + ".key", k), OnnxGraph.Attr.i("axis", 2));
            String values = g.opNamed("Concat", "present." + l + ".value",
                    List.of("past_key_values." + l + ".value", val), OnnxGraph.Attr.i("axis", 2));
            String scores = g.op("MatMul", List.of(q,
                    g.op("Transpose", List.of(keys), OnnxGraph.Attr.ints("perm", 0, 1, 3, 2))));
            scores = g.op("Add", List.of(g.op("Mul", List.of(scores, scale)), additive));
            String probs = g.op("Softmax", List.of(scores), OnnxGraph.Attr.i("axis", -1));
            String context = g.op("MatMul", List.of(probs, values));
            String merged = g.op("Reshape", List.of(
                    g.op("Transpose", List.of(context), OnnxGraph.Attr.ints("perm", 0, 2, 1, 3)), mergeShape));
            String projected = g.op("MatMul", List.of(merged,
                    g.floats("l" + l + ".wo", gaussian(random, d * d, w), d, d)));
            residual = g.op("Add", List.of(residual, projected));
        }
        String hidden = g.op("Tanh", List.of(residual));
        g.opNamed("MatMul", "logits", List.of(hidden, g.floats("lm_head", gaussian(random, d * v, 3f * w), d, v)));
        return g.toBytes("tiny-decoder");
    }

    /** x [b, s, d] times w, split into heads: [b, heads, s, headDim]. */
    private static String heads(OnnxGraph g, String x, String weight, String splitShape) {
        String projected = g.op("MatMul", List.of(x, weight));
        return g.op("Transpose", List.of(g.op("Reshape", List.of(projected, splitShape))),
                OnnxGraph.Attr.ints("perm", 0, 2, 1, 3));
    }

    private static float[] gaussian(Random random, int n, float std) {
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) random.nextGaussian() * std;
        }
        return data;
    }

    public String tokenizerJson() {
        StringBuilder added = new StringBuilder();
        StringBuilder vocab = new StringBuilder();
        List<String> all = new ArrayList<>(SPECIAL);
        all.addAll(WORDS);
        for (int id = 0; id < all.size(); id++) {
            if (id < SPECIAL.size()) {
                added.append(id == 0 ? "" : ",").append("{\"id\":").append(id).append(",\"content\":\"")
                        .append(all.get(id)).append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,")
                        .append("\"normalized\":false,\"special\":true}");
            }
            vocab.append(id == 0 ? "" : ",").append('"').append(all.get(id)).append("\":").append(id);
        }
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added
                + "],\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab
                + "},\"unk_token\":\"<unk>\"}}\n";
    }

    public String tokenizerConfigJson() {
        return "{\"bos_token\": null, \"eos_token\": \"<|im_end|>\", \"pad_token\": \"<|endoftext|>\","
                + " \"unk_token\": \"<unk>\", \"model_max_length\": " + maxPositions + ","
                + " \"chat_template\": \"" + CHATML_TEMPLATE.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
    }

    public String configJson() {
        return "{\"model_type\": \"terroir-tiny\", \"architectures\": [\"TinyDecoderForCausalLM\"],"
                + " \"vocab_size\": " + vocabSize() + ", \"hidden_size\": " + hiddenSize + ","
                + " \"num_hidden_layers\": " + layers + ", \"num_attention_heads\": " + heads + ","
                + " \"max_position_embeddings\": " + maxPositions + ", \"eos_token_id\": " + IM_END_ID
                + ", \"torch_dtype\": \"float32\"}\n";
    }
}

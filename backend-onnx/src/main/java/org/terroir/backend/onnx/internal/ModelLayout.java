package org.terroir.backend.onnx.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.terroir.api.inference.ModelLoadException;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

/**
 * What a loaded ONNX graph is, from its input and output names: a sentence embedding encoder or a decoder in the
 * Hugging Face Optimum layout. Anything else is refused with the names that did not fit.
 *
 * @param kind          embedding or decoder
 * @param hiddenOutput  embedding: the output to pool (rank 3) or to use as is (rank 2)
 * @param pooled        embedding: the output is already one vector per text
 * @param tokenTypeIds  embedding: the graph takes token_type_ids
 * @param layers        decoder: number of past_key_values pairs
 * @param positionIds   decoder: the graph takes position_ids
 * @param useCacheBranch decoder: the graph is a merged decoder with a use_cache_branch flag
 * @param heads         decoder: KV heads (from the input shape, else the config)
 * @param headDim       decoder: size of one head
 */
record ModelLayout(Kind kind, String hiddenOutput, boolean pooled, boolean tokenTypeIds, int layers,
        boolean positionIds, boolean useCacheBranch, long heads, long headDim) {

    enum Kind { EMBEDDING, DECODER }

    private static final Pattern PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");
    private static final Pattern PRESENT = Pattern.compile("present\\.(\\d+)\\.(key|value)");
    private static final List<String> HIDDEN = List.of("last_hidden_state", "token_embeddings", "hidden_states");
    private static final List<String> POOLED = List.of("sentence_embedding", "sentence_embeddings", "embeddings");

    static ModelLayout detect(String model, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs,
            ModelFolder folder) {
        Set<String> in = inputs.keySet();
        Set<String> out = outputs.keySet();
        boolean hasPast = in.stream().anyMatch(n -> PAST.matcher(n).matches());
        if (hasPast || out.contains("logits")) {
            return decoder(model, inputs, outputs, folder);
        }
        return embedding(model, inputs, outputs);
    }

    private static ModelLayout embedding(String model, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        Set<String> unexpectedIn = new TreeSet<>(inputs.keySet());
        unexpectedIn.removeAll(List.of("input_ids", "attention_mask", "token_type_ids"));
        List<String> missing = new ArrayList<>();
        for (String required : List.of("input_ids", "attention_mask")) {
            if (!inputs.containsKey(required)) {
                missing.add(required);
            }
        }
        String hidden = HIDDEN.stream().filter(outputs::containsKey).findFirst().orElse(null);
        boolean pooled = false;
        if (hidden == null) {
            hidden = POOLED.stream().filter(outputs::containsKey).findFirst().orElse(null);
            pooled = hidden != null;
        }
        if (hidden == null && outputs.size() == 1 && rank(outputs.values().iterator().next()) == 3) {
            hidden = outputs.keySet().iterator().next();
        }
        Set<String> unexpectedOut = new TreeSet<>();
        if (hidden == null) {
            unexpectedOut.addAll(outputs.keySet());
            missing.add("last_hidden_state");
        }
        if (!unexpectedIn.isEmpty() || !missing.isEmpty()) {
            throw unexpected(model, unexpectedIn, unexpectedOut, missing);
        }
        return new ModelLayout(Kind.EMBEDDING, hidden, pooled, inputs.containsKey("token_type_ids"), 0, false, false,
                0, 0);
    }

    private static ModelLayout decoder(String model, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs,
            ModelFolder folder) {
        Set<String> unexpectedIn = new TreeSet<>();
        Set<String> unexpectedOut = new TreeSet<>();
        List<String> missing = new ArrayList<>();
        Set<String> pastNames = new TreeSet<>();
        int layers = 0;
        for (String name : inputs.keySet()) {
            Matcher m = PAST.matcher(name);
            if (m.matches()) {
                pastNames.add(name);
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            } else if (!List.of("input_ids", "attention_mask", "position_ids", "use_cache_branch").contains(name)) {
                unexpectedIn.add(name);
            }
        }
        for (String name : outputs.keySet()) {
            if (!name.equals("logits") && !PRESENT.matcher(name).matches()) {
                unexpectedOut.add(name);
            }
        }
        for (String required : List.of("input_ids", "attention_mask")) {
            if (!inputs.containsKey(required)) {
                missing.add(required);
            }
        }
        if (!outputs.containsKey("logits")) {
            missing.add("logits");
        }
        if (layers == 0) {
            missing.add("past_key_values.0.key");
        }
        for (int l = 0; l < layers; l++) {
            for (String part : List.of("key", "value")) {
                if (!inputs.containsKey("past_key_values." + l + "." + part)) {
                    missing.add("past_key_values." + l + "." + part);
                }
                if (!outputs.containsKey("present." + l + "." + part)) {
                    missing.add("present." + l + "." + part);
                }
            }
        }
        if (!unexpectedIn.isEmpty() || !unexpectedOut.isEmpty() || !missing.isEmpty()) {
            throw unexpected(model, unexpectedIn, unexpectedOut, missing);
        }
        TensorInfo past = (TensorInfo) inputs.get("past_key_values.0.key").getInfo();
        if (past.type != OnnxJavaType.FLOAT) {
            throw new ModelLoadException("onnx.layout.cacheType", Messages.get("onnx.layout.cacheType", model, past.type));
        }
        long[] shape = past.getShape();
        int attentionHeads = folder.intConfig("num_attention_heads", 0);
        long heads = shape.length == 4 && shape[1] > 0 ? shape[1]
                : folder.intConfig("num_key_value_heads", attentionHeads);
        long headDim = shape.length == 4 && shape[3] > 0 ? shape[3]
                : folder.intConfig("head_dim", attentionHeads > 0 ? folder.intConfig("hidden_size", 0) / attentionHeads : 0);
        if (heads <= 0 || headDim <= 0) {
            throw unexpected(model, Set.of(), Set.of(), List.of("num_key_value_heads/head_dim (config.json)"));
        }
        return new ModelLayout(Kind.DECODER, null, false, false, layers, inputs.containsKey("position_ids"),
                inputs.containsKey("use_cache_branch"), heads, headDim);
    }

    private static int rank(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? t.getShape().length : -1;
    }

    private static ModelLoadException unexpected(String model, Set<String> in, Set<String> out, List<String> missing) {
        String none = "-";
        return new ModelLoadException("onnx.layout.unexpected", Messages.get("onnx.layout.unexpected", model,
                in.isEmpty() ? none : String.join(", ", in), out.isEmpty() ? none : String.join(", ", out),
                missing.isEmpty() ? none : String.join(", ", missing)));
    }
}

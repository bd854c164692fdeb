package org.terroir.hardware.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.ModelShape.TensorShape;
import org.terroir.gguf.GgmlType;

/** Llama-shaped models described by hand: metadata and a tensor table with exact ggml sizes, no data. */
final class TestShapes {
    final Map<String, Object> metadata = new HashMap<>();
    final List<TensorShape> tensors = new ArrayList<>();
    String arch = "llama";

    static TestShapes llama(int layers, long embd, long heads, long kvHeads, long ff, long vocab, long ctx,
            GgmlType weights) {
        return llama("llama", layers, embd, heads, kvHeads, ff, vocab, ctx, weights, weights);
    }

    static TestShapes llama(String arch, int layers, long embd, long heads, long kvHeads, long ff, long vocab,
            long ctx, GgmlType weights, GgmlType output) {
        TestShapes s = new TestShapes();
        s.arch = arch;
        s.metadata.put("general.architecture", arch);
        s.put("block_count", (long) layers);
        s.put("embedding_length", embd);
        s.put("attention.head_count", heads);
        s.put("attention.head_count_kv", kvHeads);
        s.put("feed_forward_length", ff);
        s.put("context_length", ctx);
        long headDim = embd / heads;
        long kv = kvHeads * headDim;
        s.tensor("token_embd.weight", weights, embd, vocab);
        for (int i = 0; i < layers; i++) {
            String p = "blk." + i + ".";
            s.tensor(p + "attn_norm.weight", GgmlType.F32, embd);
            s.tensor(p + "attn_q.weight", weights, embd, embd);
            s.tensor(p + "attn_k.weight", weights, embd, kv);
            s.tensor(p + "attn_v.weight", weights, embd, kv);
            s.tensor(p + "attn_output.weight", weights, embd, embd);
            s.tensor(p + "ffn_norm.weight", GgmlType.F32, embd);
            s.tensor(p + "ffn_gate.weight", weights, embd, ff);
            s.tensor(p + "ffn_up.weight", weights, embd, ff);
            s.tensor(p + "ffn_down.weight", weights, ff, embd);
        }
        s.tensor("output_norm.weight", GgmlType.F32, embd);
        s.tensor("output.weight", output, embd, vocab);
        return s;
    }

    TestShapes put(String suffix, Object value) {
        metadata.put(arch + "." + suffix, value);
        return this;
    }

    TestShapes remove(String suffix) {
        metadata.remove(arch + "." + suffix);
        return this;
    }

    TestShapes tensor(String name, GgmlType type, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        tensors.add(new TensorShape(name, dims, type.name(), type.bytesFor(n)));
        return this;
    }

    long bytes(java.util.function.Predicate<String> names) {
        return tensors.stream().filter(t -> names.test(t.name())).mapToLong(TensorShape::sizeBytes).sum();
    }

    ModelShape shape() {
        long size = tensors.stream().mapToLong(TensorShape::sizeBytes).sum();
        return new ModelShape("test-" + arch + ".gguf", size, metadata, tensors);
    }
}

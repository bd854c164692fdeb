package org.terroir.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Test-only GGUF byte builder that can also write what a sound writer never would: wrong counts, lengths, types,
 * offsets. Tensors are laid out one after another by default, like llama.cpp's writer does.
 */
final class TestGguf {
    byte[] magic = {'G', 'G', 'U', 'F'};
    int version = 3;
    Long tensorCount;
    Long kvCount;
    int alignment = 32;
    /** False leaves the tensor data out, to claim huge tensors without writing them. */
    boolean data = true;
    /** Bytes of tensor data to write, when not what the tensor table needs. */
    Long dataLength;
    private final List<Consumer<Out>> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();

    /** A tensor entry; {@code offset} null means "right after the previous one". */
    record Tensor(String name, long[] dims, int typeId, Long offset, Integer nDims) {
        long size() {
            return GgmlType.byId(typeId).map(t -> {
                long n = 1;
                for (long d : dims) {
                    n *= d;
                }
                return n > 0 ? t.bytesFor(n) : 0L;
            }).orElse(0L);
        }
    }

    /** Little-endian output. */
    static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Out u8(int v) {
            bytes.write(v);
            return this;
        }

        Out u32(long v) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v);
            bytes.writeBytes(b.array());
            return this;
        }

        Out u64(long v) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
            bytes.writeBytes(b.array());
            return this;
        }

        Out f32(float v) {
            return u32(Float.floatToIntBits(v));
        }

        Out raw(byte[] b) {
            bytes.writeBytes(b);
            return this;
        }

        Out str(String s) {
            return str(s.getBytes(StandardCharsets.UTF_8));
        }

        Out str(byte[] b) {
            return u64(b.length).raw(b);
        }

        int size() {
            return bytes.size();
        }
    }

    // ---- metadata ----

    TestGguf raw(Consumer<Out> kv) {
        kvs.add(kv);
        return this;
    }

    TestGguf string(String key, String value) {
        return raw(o -> o.str(key).u32(GgufValueType.STRING.id()).str(value));
    }

    TestGguf u32(String key, long value) {
        return raw(o -> o.str(key).u32(GgufValueType.UINT32.id()).u32(value));
    }

    TestGguf u64(String key, long value) {
        return raw(o -> o.str(key).u32(GgufValueType.UINT64.id()).u64(value));
    }

    TestGguf f32(String key, float value) {
        return raw(o -> o.str(key).u32(GgufValueType.FLOAT32.id()).f32(value));
    }

    TestGguf bool(String key, boolean value) {
        return raw(o -> o.str(key).u32(GgufValueType.BOOL.id()).u8(value ? 1 : 0));
    }

    TestGguf strings(String key, List<String> values) {
        return raw(o -> {
            o.str(key).u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(values.size());
            values.forEach(o::str);
        });
    }

    TestGguf floats(String key, int n) {
        return raw(o -> {
            o.str(key).u32(GgufValueType.ARRAY.id()).u32(GgufValueType.FLOAT32.id()).u64(n);
            for (int i = 0; i < n; i++) {
                o.f32(-i);
            }
        });
    }

    TestGguf int32s(String key, int n) {
        return raw(o -> {
            o.str(key).u32(GgufValueType.ARRAY.id()).u32(GgufValueType.INT32.id()).u64(n);
            for (int i = 0; i < n; i++) {
                o.u32(i % 7);
            }
        });
    }

    /** A llama-like vocabulary: tokens, scores, token types. */
    TestGguf vocab(List<String> tokens) {
        return string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", tokens)
                .floats("tokenizer.ggml.scores", tokens.size()).int32s("tokenizer.ggml.token_type", tokens.size());
    }

    static List<String> tokens(int n) {
        List<String> tokens = new ArrayList<>(n);
        tokens.add("<unk>");
        tokens.add("<s>");
        tokens.add("</s>");
        for (int i = tokens.size(); i < n; i++) {
            tokens.add("tok" + i);
        }
        return tokens;
    }

    // ---- tensors ----

    TestGguf tensor(String name, GgmlType type, long... dims) {
        tensors.add(new Tensor(name, dims, type.id(), null, null));
        return this;
    }

    TestGguf tensor(Tensor t) {
        tensors.add(t);
        return this;
    }

    /** A small, valid llama-like model. */
    static TestGguf tinyLlama() {
        return new TestGguf()
                .string("general.architecture", "llama")
                .string("general.name", "tiny")
                .u32("general.file_type", 15)
                .u32("llama.context_length", 256)
                .u32("llama.block_count", 1)
                .u32("llama.embedding_length", 64)
                .u32("llama.feed_forward_length", 128)
                .u32("llama.attention.head_count", 4)
                .u32("llama.attention.head_count_kv", 2)
                .f32("llama.rope.freq_base", 10000f)
                .bool("general.experimental", true)
                .vocab(tokens(40))
                .u32("tokenizer.ggml.bos_token_id", 1)
                .u32("tokenizer.ggml.eos_token_id", 2)
                .string("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}")
                .tensor("token_embd.weight", GgmlType.Q8_0, 64, 40)
                .tensor("blk.0.attn_norm.weight", GgmlType.F32, 64)
                .tensor("blk.0.ffn_up.weight", GgmlType.Q4_0, 64, 128)
                .tensor("output.weight", GgmlType.F16, 64, 40);
    }

    // ---- output ----

    /** Length of the whole file the last {@link #build()} describes, tensor data included even if not written. */
    long describedLength;

    byte[] build() {
        Out o = new Out();
        o.raw(magic).u32(version);
        o.u64(tensorCount != null ? tensorCount : tensors.size());
        o.u64(kvCount != null ? kvCount : kvs.size());
        kvs.forEach(kv -> kv.accept(o));
        long next = 0;
        long dataEnd = 0;
        for (Tensor t : tensors) {
            o.str(t.name());
            o.u32(t.nDims() != null ? t.nDims() : t.dims().length);
            for (long d : t.dims()) {
                o.u64(d);
            }
            o.u32(t.typeId());
            long offset = t.offset() != null ? t.offset() : next;
            o.u64(offset);
            next = pad(offset + t.size());
            dataEnd = Math.max(dataEnd, offset + t.size());
        }
        describedLength = tensors.isEmpty() ? o.size() : pad(o.size()) + dataEnd;
        if (!tensors.isEmpty() && data) {
            while (o.size() % alignment != 0) {
                o.u8(0);
            }
            o.raw(new byte[(int) (dataLength != null ? dataLength : dataEnd)]);
        }
        return o.bytes.toByteArray();
    }

    long pad(long x) {
        return (x + alignment - 1) / alignment * alignment;
    }
}

package org.terroir.hardware.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.terroir.api.TerroirException;
import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.ModelShape.TensorShape;

/**
 * Reads {@link ModelFacts} from a model's metadata, never trusting a value blindly: a missing key, a negative or
 * absurd number or an array where a number belongs becomes a warning, and the tensor table (whose shapes llama.cpp
 * itself checks) supplies the value instead where it can.
 */
final class FactsReader {

    /**
     * Architectures whose attention llama.cpp builds from the standard keys (block_count, head_count,
     * head_count_kv, key_length/value_length), so that the K/V cache formula is exact for them.
     */
    static final Set<String> KNOWN = Set.of("llama", "mistral", "mistral3", "qwen", "qwen2", "qwen2moe", "qwen2vl",
            "qwen3", "qwen3moe", "gemma", "gemma2", "gemma3", "phi2", "phi3", "starcoder", "starcoder2", "falcon",
            "gpt2", "gptneox", "stablelm", "command-r", "cohere2", "olmo", "olmo2", "olmoe", "granite", "granitemoe",
            "internlm2", "exaone", "minicpm", "baichuan", "bloom", "mpt", "refact", "orion", "smollm3", "gpt-oss",
            "llama4", "deci", "chatglm", "glm4", "nemotron", "arcee", "bitnet", "dbrx", "grok", "jais", "codeshell");

    /** Default sliding-window patterns (every n-th layer is global, the others are SWA), as llama.cpp sets them. */
    private static final Map<String, Integer> SWA_PATTERN = Map.of("gemma2", 2, "gemma3", 6, "cohere2", 4,
            "gpt-oss", 2);

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\..*");
    private static final long MAX_LAYERS = 4096;
    private static final long MAX_WIDTH = 1L << 20;
    private static final long MAX_HEADS = 1L << 14;
    private static final long MAX_CONTEXT = 1L << 24;
    private static final long MAX_VOCAB = 1L << 24;

    private final ModelShape shape;
    private final String arch;
    private final List<String> warnings = new ArrayList<>();

    private FactsReader(ModelShape shape) {
        this.shape = shape;
        this.arch = shape.architecture();
    }

    static ModelFacts read(ModelShape shape) {
        return new FactsReader(shape).read();
    }

    private ModelFacts read() {
        boolean known = KNOWN.contains(arch);
        if (!known) {
            warnings.add(Messages.get("estimate.unknownArch", arch));
        }
        int tensorLayers = layersFromTensors();
        long layers = number("block_count", MAX_LAYERS).orElse(-1);
        if (layers < 0 || (tensorLayers > 0 && layers != tensorLayers && tensorLayers <= MAX_LAYERS)) {
            if (layers >= 0) {
                warnings.add(Messages.get("estimate.layersMismatch", key("block_count"), layers, tensorLayers));
            }
            layers = tensorLayers;
        }
        TensorShape embd = tensor("token_embd.weight");
        long embedding = number("embedding_length", MAX_WIDTH)
                .orElse(embd != null && embd.dims().length >= 1 ? embd.dims()[0] : -1);
        long vocab = vocab(embd);
        if (layers <= 0 || embedding <= 0) {
            throw new TerroirException(org.terroir.api.ErrorKind.UNSUPPORTED, "hardware.estimate.impossible",
                    Messages.get("estimate.impossible", shape.source()));
        }
        long heads = number("attention.head_count", MAX_HEADS).orElse(-1);
        long ff = quietNumber("feed_forward_length", MAX_WIDTH * 16).orElse(0);
        long ctxTrain = number("context_length", MAX_CONTEXT).orElse(EstimateDefaults.FALLBACK_CONTEXT);

        int n = (int) layers;
        long[] headsKv = headsKv(n, heads);
        long keyLen = quietNumber("attention.key_length", MAX_WIDTH).orElse(heads > 0 ? embedding / heads : -1);
        long valueLen = quietNumber("attention.value_length", MAX_WIDTH).orElse(keyLen);
        long[] kv = new long[n];
        long[] k = new long[n];
        boolean fromTensors = false;
        for (int il = 0; il < n; il++) {
            long kw = headsKv[il] >= 0 && keyLen > 0 ? headsKv[il] * keyLen : -1;
            long vw = headsKv[il] >= 0 && valueLen > 0 ? headsKv[il] * valueLen : -1;
            long kt = outputWidth("blk." + il + ".attn_k.weight");
            long vt = outputWidth("blk." + il + ".attn_v.weight");
            // The K and V projections' output widths are what llama.cpp caches per token; trust them over
            // metadata that disagree (or are missing), and fall back to MHA widths when neither exists.
            if (kt > 0 && vt > 0 && (kw != kt || vw != vt)) {
                fromTensors |= kw >= 0;
                kw = kt;
                vw = vt;
            }
            if (kw < 0 || vw < 0) {
                kw = embedding;
                vw = embedding;
                fromTensors = true;
            }
            k[il] = kw;
            kv[il] = kw + vw;
        }
        if (fromTensors) {
            warnings.add(Messages.get("estimate.kvFromTensors"));
        }
        long window = quietNumber("attention.sliding_window", MAX_CONTEXT).orElse(0);
        boolean[] swa = swaLayers(n, window);
        if (heads <= 0) {
            heads = k[0] > 0 && keyLen > 0 ? Math.max(1, embedding / keyLen) : Math.max(1, embedding / 128);
        }
        return new ModelFacts(arch, known, n, embedding, heads, ff, vocab, ctxTrain, kv, k, swa, window,
                List.copyOf(warnings));
    }

    private long vocab(TensorShape embd) {
        if (embd != null && embd.dims().length >= 2 && embd.dims()[1] > 0) {
            return embd.dims()[1];
        }
        Object tokens = shape.metadata().get("tokenizer.ggml.tokens");
        if (tokens instanceof List<?> list && !list.isEmpty()) {
            return list.size();
        }
        OptionalLong v = number("vocab_size", MAX_VOCAB);
        return v.orElse(32000);
    }

    private long[] headsKv(int layers, long heads) {
        long[] out = new long[layers];
        Object raw = shape.metadata().get(key("attention.head_count_kv"));
        if (raw instanceof List<?> list) {
            // Some architectures (OpenELM, Jamba, DeciLM) vary the K/V heads per layer: a legitimate array.
            for (int il = 0; il < layers; il++) {
                Object v = il < list.size() ? list.get(il) : null;
                out[il] = v instanceof Long l && l >= 0 && l <= MAX_HEADS ? l : -1;
            }
            return out;
        }
        long kv = raw == null ? heads : number("attention.head_count_kv", MAX_HEADS).orElse(-1);
        java.util.Arrays.fill(out, kv);
        return out;
    }

    private boolean[] swaLayers(int layers, long window) {
        boolean[] swa = new boolean[layers];
        if (window <= 0) {
            return swa;
        }
        Object raw = shape.metadata().get(key("attention.sliding_window_pattern"));
        if (raw instanceof List<?> list) {
            for (int il = 0; il < layers && il < list.size(); il++) {
                swa[il] = Boolean.TRUE.equals(list.get(il));
            }
            return swa;
        }
        long pattern = raw instanceof Long l && l > 0 ? l : SWA_PATTERN.getOrDefault(arch, 0);
        for (int il = 0; il < layers && pattern > 0; il++) {
            // llama.cpp: with a pattern of n, layers il % n < n - 1 use the window, every n-th is global.
            swa[il] = il % pattern < pattern - 1;
        }
        return swa;
    }

    private int layersFromTensors() {
        int max = -1;
        for (TensorShape t : shape.tensors()) {
            Matcher m = BLOCK.matcher(t.name());
            if (m.matches() && m.group(1).length() < 6) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }

    private long outputWidth(String name) {
        TensorShape t = tensor(name);
        return t != null && t.dims().length >= 2 ? t.dims()[1] : -1;
    }

    private TensorShape tensor(String name) {
        for (TensorShape t : shape.tensors()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private String key(String suffix) {
        return arch + "." + suffix;
    }

    /** A required number: a warning when it is missing or wrong. */
    private OptionalLong number(String suffix, long max) {
        return read(suffix, max, true);
    }

    /** An optional number: a warning only when it is present and wrong. */
    private OptionalLong quietNumber(String suffix, long max) {
        return read(suffix, max, false);
    }

    private OptionalLong read(String suffix, long max, boolean required) {
        String key = key(suffix);
        Object v = shape.metadata().get(key);
        if (v == null) {
            if (required) {
                warnings.add(Messages.get("estimate.missing", key));
            }
            return OptionalLong.empty();
        }
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            v = d.longValue();
        }
        if (!(v instanceof Long l)) {
            warnings.add(Messages.get(v instanceof List ? "estimate.array" : "estimate.notNumber", key,
                    abbreviate(v)));
            return OptionalLong.empty();
        }
        if (l <= 0 || l > max) {
            warnings.add(Messages.get("estimate.absurd", key, String.valueOf(l)));
            return OptionalLong.empty();
        }
        return OptionalLong.of(l);
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}

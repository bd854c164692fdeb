package org.terroir.testkit.gguf;

import java.util.Locale;

/**
 * The model architectures {@link TinyLlama} can write, by their {@code general.architecture} name, with the traits
 * that decide which metadata and tensors llama.cpp (v0.4.0) requires of each. All of them are decoder-only
 * transformers with RMS norms and a gated feed-forward; they differ in these traits only.
 *
 * <ul>
 *   <li>{@link #LLAMA}: the plain pattern (attn_norm, q/k/v/output, ffn_norm, gate/up/down, separate output).
 *   <li>{@link #QWEN3}: adds per-head {@code attn_q_norm}/{@code attn_k_norm} in every layer.
 *   <li>{@link #QWEN3MOE}: Qwen3's attention, and a mixture of experts instead of the dense feed-forward: a router
 *       {@code ffn_gate_inp} and 3-D {@code ffn_gate_exps}/{@code ffn_up_exps}/{@code ffn_down_exps}.
 *   <li>{@link #GEMMA3}: q/k norms, {@code post_attention_norm} and {@code post_ffw_norm}, GELU, output tied to the
 *       token embedding, sliding-window attention on all layers but every n-th ({@code sliding_window_pattern}).
 *   <li>{@link #GEMMA4}: Gemma 3's layer, the sliding-window pattern as one boolean per layer, separate head sizes
 *       for sliding layers ({@code key_length_swa}), a {@code rope_freqs} tensor for the full-attention layers, final
 *       logit soft-capping, no per-layer input embeddings ({@code embedding_length_per_layer_input} = 0).
 *   <li>{@link #GRANITE}: llama's tensors with Granite's scales (embedding, residual, attention, logits), tied output.
 *   <li>{@link #SMOLLM3}: llama's tensors, tied output (llama.cpp skips RoPE on every fourth layer by itself).
 * </ul>
 */
public enum Architecture {
    LLAMA("llama", false, false, false, false, false),
    QWEN3("qwen3", true, false, false, false, false),
    QWEN3MOE("qwen3moe", true, false, false, true, false),
    GEMMA3("gemma3", true, true, true, false, true),
    GEMMA4("gemma4", true, true, true, false, true),
    GRANITE("granite", false, false, true, false, false),
    SMOLLM3("smollm3", false, false, true, false, false);

    private final String ggufName;
    private final boolean qkNorm;
    private final boolean postNorms;
    private final boolean tiedByDefault;
    private final boolean experts;
    private final boolean slidingWindow;

    Architecture(String ggufName, boolean qkNorm, boolean postNorms, boolean tiedByDefault, boolean experts,
                 boolean slidingWindow) {
        this.ggufName = ggufName;
        this.qkNorm = qkNorm;
        this.postNorms = postNorms;
        this.tiedByDefault = tiedByDefault;
        this.experts = experts;
        this.slidingWindow = slidingWindow;
    }

    /** The {@code general.architecture} value, also the prefix of the architecture's metadata keys. */
    public String ggufName() {
        return ggufName;
    }

    /** Whether every layer has {@code attn_q_norm} and {@code attn_k_norm} (one weight per head dimension). */
    public boolean hasQkNorm() {
        return qkNorm;
    }

    /** Whether every layer has {@code post_attention_norm} and {@code post_ffw_norm}. */
    public boolean hasPostNorms() {
        return postNorms;
    }

    /** Whether the released models of this architecture reuse the token embedding as output (no output.weight). */
    public boolean tiedOutputByDefault() {
        return tiedByDefault;
    }

    /** Whether the feed-forward is a mixture of experts. */
    public boolean hasExperts() {
        return experts;
    }

    /** Whether some layers use sliding-window attention. */
    public boolean hasSlidingWindow() {
        return slidingWindow;
    }

    /** The architecture whose {@code general.architecture} is {@code name} (or whose enum name it is). */
    public static Architecture of(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name) || a.name().equals(name.toUpperCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture " + name + "; known: "
                + java.util.Arrays.stream(values()).map(Architecture::ggufName).toList());
    }
}

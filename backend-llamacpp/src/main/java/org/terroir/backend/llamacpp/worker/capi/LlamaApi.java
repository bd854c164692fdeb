package org.terroir.backend.llamacpp.worker.capi;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/**
 * The C API of llama.cpp tag v0.4.0 ({@code include/llama.h}, with the few {@code ggml-backend.h} calls it needs),
 * as JNA sees it. Only what the worker calls is declared. Rules that each cost a crash once (ENGINE-NOTES): a C
 * {@code bool} is one byte, so it is passed and returned as {@code byte}; structs by value are the
 * {@code ByValue} classes of this package, whose layouts {@code LayoutTest} checks against the library's own
 * defaults; token ids reaching the library are validated by the caller.
 */
public interface LlamaApi extends Library {
    /** {@code ggml_log_callback}: text is UTF-8, level 5 continues the previous line. */
    interface LogCallback extends Callback {
        void invoke(int level, Pointer text, Pointer userData);
    }

    /** {@code llama_progress_callback}: the load's progress from 0 to 1; return non-zero (true) to go on. */
    interface ProgressCallback extends Callback {
        byte invoke(float progress, Pointer userData);
    }

    /** {@code ggml_abort_callback}: return non-zero to abort the running decode. */
    interface AbortCallback extends Callback {
        byte invoke(Pointer data);
    }

    // ---- ggml backends and devices ----
    void ggml_backend_load_all_from_path(String dir);

    long ggml_backend_dev_count();

    Pointer ggml_backend_dev_get(long index);

    String ggml_backend_dev_name(Pointer device);

    String ggml_backend_dev_description(Pointer device);

    void ggml_backend_dev_memory(Pointer device, LongByReference free, LongByReference total);

    int ggml_backend_dev_type(Pointer device);

    // ---- library ----
    void llama_log_set(LogCallback callback, Pointer userData);

    void llama_backend_init();

    void llama_backend_free();

    String llama_print_system_info();

    byte llama_supports_gpu_offload();

    ModelParams.ByValue llama_model_default_params();

    ContextParams.ByValue llama_context_default_params();

    SamplerChainParams.ByValue llama_sampler_chain_default_params();

    // ---- model ----
    Pointer llama_model_load_from_file(String path, ModelParams.ByValue params);

    void llama_model_free(Pointer model);

    Pointer llama_model_get_vocab(Pointer model);

    int llama_model_n_ctx_train(Pointer model);

    int llama_model_n_embd(Pointer model);

    int llama_model_n_layer(Pointer model);

    long llama_model_size(Pointer model);

    long llama_model_n_params(Pointer model);

    byte llama_model_has_encoder(Pointer model);

    byte llama_model_has_decoder(Pointer model);

    int llama_model_meta_val_str(Pointer model, String key, byte[] buf, long size);

    Pointer llama_model_chat_template(Pointer model, String name);

    int llama_chat_apply_template(String template, ChatMessage[] chat, long count, byte addAssistant, byte[] buf,
            int length);

    // ---- vocabulary ----
    int llama_vocab_n_tokens(Pointer vocab);

    int llama_vocab_bos(Pointer vocab);

    int llama_vocab_eos(Pointer vocab);

    byte llama_vocab_is_eog(Pointer vocab, int token);

    byte llama_vocab_get_add_bos(Pointer vocab);

    Pointer llama_vocab_get_text(Pointer vocab, int token);

    int llama_tokenize(Pointer vocab, byte[] text, int textLength, int[] tokens, int maxTokens, byte addSpecial,
            byte parseSpecial);

    int llama_token_to_piece(Pointer vocab, int token, byte[] buf, int length, int lstrip, byte special);

    // ---- context ----
    Pointer llama_init_from_model(Pointer model, ContextParams.ByValue params);

    void llama_free(Pointer context);

    int llama_n_ctx(Pointer context);

    int llama_n_ctx_seq(Pointer context);

    int llama_pooling_type(Pointer context);

    Pointer llama_get_memory(Pointer context);

    void llama_memory_clear(Pointer memory, byte data);

    byte llama_memory_seq_rm(Pointer memory, int seq, int p0, int p1);

    int llama_memory_seq_pos_max(Pointer memory, int seq);

    int llama_decode(Pointer context, Batch.ByValue batch);

    int llama_encode(Pointer context, Batch.ByValue batch);

    void llama_set_abort_callback(Pointer context, AbortCallback callback, Pointer data);

    Pointer llama_get_logits_ith(Pointer context, int index);

    Pointer llama_get_embeddings_seq(Pointer context, int seq);

    Pointer llama_get_embeddings_ith(Pointer context, int index);

    // ---- sampling ----
    Pointer llama_sampler_chain_init(SamplerChainParams.ByValue params);

    void llama_sampler_chain_add(Pointer chain, Pointer sampler);

    Pointer llama_sampler_init_greedy();

    Pointer llama_sampler_init_dist(int seed);

    Pointer llama_sampler_init_top_k(int k);

    Pointer llama_sampler_init_top_p(float p, long minKeep);

    Pointer llama_sampler_init_min_p(float p, long minKeep);

    Pointer llama_sampler_init_temp(float t);

    Pointer llama_sampler_init_penalties(int nVocab, int lastN, float repeat, float frequency, float presence);

    /**
     * {@code biases}: {@code count} structs {@code llama_logit_bias {int32 token; float bias;}} (8 bytes each),
     * copied by the library; every token id must be in {@code [0, nVocab)} (the library does not check).
     */
    Pointer llama_sampler_init_logit_bias(int nVocab, int count, Pointer biases);

    /** Null when the grammar does not parse or its root rule is missing (llama.cpp logs the reason). */
    Pointer llama_sampler_init_grammar(Pointer vocab, String grammar, String root);

    int llama_sampler_sample(Pointer sampler, Pointer context, int index);

    void llama_sampler_accept(Pointer sampler, int token);

    void llama_set_embeddings(Pointer context, byte embeddings);

    void llama_sampler_free(Pointer sampler);
}

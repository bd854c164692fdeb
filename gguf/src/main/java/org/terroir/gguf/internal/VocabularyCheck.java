package org.terroir.gguf.internal;

import java.util.List;
import java.util.Map;

import org.terroir.gguf.GgufArray;
import org.terroir.gguf.GgufValueType;

/**
 * Checks the tokenizer metadata that llama.cpp reads without checking: it indexes the score and token-type
 * arrays by token id, and asserts on the token table. (Duplicate tokens are caught while reading, where the
 * raw bytes are at hand.)
 */
final class VocabularyCheck {
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TOKEN_TYPES = "tokenizer.ggml.token_type";
    static final String MERGES = "tokenizer.ggml.merges";
    static final List<String> SPECIAL_IDS = List.of("tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
            "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id");

    private final Parser parser;
    private final Map<String, Object> metadata;
    private final Map<String, GgufValueType> types;

    VocabularyCheck(Parser parser, Map<String, Object> metadata, Map<String, GgufValueType> types) {
        this.parser = parser;
        this.metadata = metadata;
        this.types = types;
    }

    void check() {
        Object tokens = metadata.get(TOKENS);
        if (tokens == null) {
            return;
        }
        if (!(tokens instanceof GgufArray array) || array.elementType() != GgufValueType.STRING) {
            throw parser.fail("gguf.vocab", "vocab.tokens.type", TOKENS, describe(TOKENS));
        }
        int size = array.size();
        // llama.cpp reads these arrays as raw float / int32 memory, indexed by token id.
        checkParallel(SCORES, size, GgufValueType.FLOAT32);
        checkParallel(TOKEN_TYPES, size, GgufValueType.INT32, GgufValueType.UINT32);
        Object merges = metadata.get(MERGES);
        if (merges != null && !(merges instanceof GgufArray m && m.elementType() == GgufValueType.STRING)) {
            throw parser.fail("gguf.vocab", "vocab.merges.type", MERGES, describe(MERGES));
        }
        for (String key : SPECIAL_IDS) {
            Object id = metadata.get(key);
            if (id == null) {
                continue;
            }
            if (!(id instanceof Long l)) {
                throw parser.fail("gguf.vocab", "vocab.special.type", key, describe(key));
            }
            if (l < 0 || l >= size) {
                throw parser.fail("gguf.vocab", "vocab.special.range", key, Long.toUnsignedString(l), size);
            }
        }
    }

    private void checkParallel(String key, int size, GgufValueType... allowed) {
        Object value = metadata.get(key);
        if (value == null) {
            return;
        }
        if (!(value instanceof GgufArray a) || !List.of(allowed).contains(a.elementType())) {
            throw parser.fail("gguf.vocab", "vocab.parallel.type", key, describe(key), allowed[0]);
        }
        if (a.size() != size) {
            throw parser.fail("gguf.vocab", "vocab.parallel.length", key, a.size(), TOKENS, size);
        }
    }

    private String describe(String key) {
        return metadata.get(key) instanceof GgufArray a ? "ARRAY[" + a.elementType() + "]" : String.valueOf(types.get(key));
    }
}

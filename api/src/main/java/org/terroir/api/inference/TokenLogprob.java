package org.terroir.api.inference;

import java.util.List;
import java.util.Objects;

/**
 * A generated token with its log probability, and the most likely alternatives at that position.
 *
 * @param token   the token's text (may be part of a UTF-8 character; see {@code bytes})
 * @param bytes   the token's bytes
 * @param logprob natural log of its probability under the model's own distribution at that position (a backend says
 *                which: llama.cpp's is the log-softmax of the raw logits, before penalties, bias, grammar and
 *                truncation)
 * @param top     the most likely tokens at that position, most likely first (empty when not asked)
 */
public record TokenLogprob(String token, byte[] bytes, double logprob, List<TokenLogprob> top) {
    public TokenLogprob {
        Objects.requireNonNull(token, "token");
        bytes = bytes == null ? new byte[0] : bytes.clone();
        top = top == null ? List.of() : List.copyOf(top);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}

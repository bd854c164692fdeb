package org.terroir.web.internal.openai;

import java.util.List;

import org.terroir.api.inference.TokenLogprob;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/**
 * The legacy {@code /v1/completions} shape of log probabilities: {@code {tokens, token_logprobs, top_logprobs,
 * text_offset}}, four arrays with one entry per generated token; {@code top_logprobs[i]} maps the {@code logprobs}
 * most likely tokens to theirs (an empty map for {@code logprobs: 0}, as OpenAI); {@code text_offset[i]} is the
 * character offset of token {@code i} in the returned text (no echo: the prompt is not counted).
 */
final class LegacyLogprobs {
    private LegacyLogprobs() {
    }

    /** The object, or JSON null when the request asked for none ({@code asked} is -1). */
    static JsonElement of(List<TokenLogprob> tokens, int asked) {
        if (asked < 0) {
            return JsonNull.INSTANCE;
        }
        JsonArray texts = new JsonArray();
        JsonArray logprobs = new JsonArray();
        JsonArray top = new JsonArray();
        JsonArray offsets = new JsonArray();
        int offset = 0;
        for (TokenLogprob t : tokens) {
            texts.add(t.token());
            logprobs.add(t.logprob());
            JsonObject alternatives = new JsonObject();
            for (TokenLogprob alt : t.top()) {
                if (!alternatives.has(alt.token())) {
                    alternatives.addProperty(alt.token(), alt.logprob());
                }
            }
            top.add(alternatives);
            offsets.add(offset);
            offset += utf16Length(t.bytes());
        }
        JsonObject o = new JsonObject();
        o.add("tokens", texts);
        o.add("token_logprobs", logprobs);
        o.add("top_logprobs", top);
        o.add("text_offset", offsets);
        return o;
    }

    /**
     * How many UTF-16 characters a token's bytes start: one per UTF-8 lead byte, two for a 4-byte sequence (a
     * surrogate pair); continuation bytes add nothing, so a character split over two tokens counts once, at the
     * token that starts it.
     */
    static int utf16Length(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            int u = b & 0xff;
            if ((u & 0xC0) != 0x80) {
                n += u >= 0xF0 ? 2 : 1;
            }
        }
        return n;
    }
}

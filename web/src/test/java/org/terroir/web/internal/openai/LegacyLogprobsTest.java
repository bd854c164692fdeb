package org.terroir.web.internal.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.TokenLogprob;

import com.google.gson.JsonObject;

class LegacyLogprobsTest {
    private static TokenLogprob token(String text, double logprob, TokenLogprob... top) {
        return new TokenLogprob(text, text.getBytes(StandardCharsets.UTF_8), logprob, List.of(top));
    }

    @Test
    void fourParallelArraysWithOffsetsInTheReturnedText() {
        JsonObject o = LegacyLogprobs.of(List.of(
                token(" vin", -0.25, token(" vin", -0.25), token(" pain", -1.5)),
                token("é", -2, token("e", -1)),
                token("🙂", -3),
                token("!", -0.5)), 2).getAsJsonObject();
        assertEquals("[\" vin\",\"é\",\"🙂\",\"!\"]", o.get("tokens").toString());
        assertEquals("[-0.25,-2.0,-3.0,-0.5]", o.get("token_logprobs").toString());
        assertEquals("{\" vin\":-0.25,\" pain\":-1.5}", o.getAsJsonArray("top_logprobs").get(0).toString());
        assertEquals("{}", o.getAsJsonArray("top_logprobs").get(2).toString());
        // UTF-16 offsets: " vin" is 4, "é" 1, the emoji a surrogate pair
        assertEquals("[0,4,5,7]", o.get("text_offset").toString());
        assertTrue(LegacyLogprobs.of(List.of(), -1).isJsonNull());
        assertEquals("[]", LegacyLogprobs.of(List.of(), 0).getAsJsonObject().get("tokens").toString());
    }

    @Test
    void aCharacterSplitOverTwoTokensCountsOnceAtItsStart() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, LegacyLogprobs.utf16Length(new byte[] {e[0]}));
        assertEquals(0, LegacyLogprobs.utf16Length(new byte[] {e[1]}));
        assertEquals(2, LegacyLogprobs.utf16Length("🙂".getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, LegacyLogprobs.utf16Length("abc".getBytes(StandardCharsets.UTF_8)));
    }
}

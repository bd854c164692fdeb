package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.ChatMessage;

class TextStreamTest {
    // Token id -> text; decoding concatenates, as a byte-level BPE decoder would.
    static final Map<Long, String> PIECES = Map.of(1L, "Hello", 2L, " wor", 3L, "ld", 4L, "\n\nUs", 5L, "er:", 6L, "\uFFFD");

    static String decode(long[] ids) {
        StringBuilder sb = new StringBuilder();
        for (long id : ids) {
            sb.append(PIECES.get(id));
        }
        return sb.toString();
    }

    @Test
    void aStopStringSplitAcrossTokensIsHeldBackAndCut() {
        List<String> pieces = new ArrayList<>();
        TextStream stream = new TextStream(TextStreamTest::decode, List.of("\n\nUser:"), pieces::add);
        assertFalse(stream.add(1));
        assertFalse(stream.add(2));
        assertFalse(stream.add(3));
        assertFalse(stream.add(4)); // "\n\nUs" might start the stop string: held back
        assertEquals("Hello world", String.join("", pieces));
        assertTrue(stream.add(5));
        stream.flush();
        assertEquals("Hello world", stream.text());
        assertEquals("Hello world", String.join("", pieces));
    }

    @Test
    void heldBackTextIsReleasedAtTheEnd() {
        List<String> pieces = new ArrayList<>();
        TextStream stream = new TextStream(TextStreamTest::decode, List.of("\n\nUser:"), pieces::add);
        stream.add(1);
        stream.add(4);
        assertEquals("Hello", String.join("", pieces));
        stream.flush();
        assertEquals("Hello\n\nUs", String.join("", pieces));
    }

    @Test
    void anIncompleteCharacterWaitsForTheNextToken() {
        List<String> pieces = new ArrayList<>();
        TextStream stream = new TextStream(TextStreamTest::decode, List.of(), pieces::add);
        stream.add(1);
        stream.add(6);
        assertEquals(List.of("Hello"), pieces);
    }

    @Test
    void chatFormatsAreRecognisedByTheirMarkers() {
        List<ChatMessage> chat = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
        assertEquals(ChatFormat.LLAMA3, ChatFormat.of("{{ '<|start_header_id|>' + message['role'] }}"));
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatFormat.LLAMA3.render(chat, "<|begin_of_text|>", "<|eot_id|>"));
        assertEquals("<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n",
                ChatFormat.of("<start_of_turn>").render(chat, "<bos>", "<eos>"));
        assertEquals("<s>[INST] Be brief.\n\nHi [/INST]", ChatFormat.of("[INST]").render(chat, "<s>", "</s>"));
        assertEquals("<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\n",
                ChatFormat.of("<|user|>").render(chat, "<s>", "</s>"));
        assertEquals("system: Be brief.\nuser: Hi\nassistant:", ChatFormat.of(null).render(chat, null, null));
        assertEquals(ChatFormat.PLAIN, ChatFormat.of("{% for m in messages %}{{ m.content }}{% endfor %}"));
    }
}

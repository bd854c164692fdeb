package org.terroir.web.internal.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.web.internal.http.ApiError;

class RequestsTest {
    private static Requests.Completion chat(String json) {
        return Requests.chat(Fields.parseObject(json));
    }

    private static ApiError error(String json) {
        return assertThrows(ApiError.class, () -> chat(json));
    }

    @Test
    void aFullChatRequestBecomesTerroirValues() {
        Requests.Completion c = chat("""
                {"model":"m","messages":[{"role":"developer","content":"Be brief"},
                 {"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]},
                 {"role":"assistant","content":null},{"role":"user","content":"Go"}],
                 "max_completion_tokens":7,"max_tokens":99,"temperature":0.2,"top_p":0.5,"seed":42,
                 "stop":["a","b"],"stream":true,"stream_options":{"include_usage":true},"n":1,"user":"x"}""");
        assertEquals(List.of(ChatMessage.system("Be brief"), ChatMessage.user("Hi there"), ChatMessage.assistant(""),
                ChatMessage.user("Go")), c.messages());
        assertEquals(7, c.maxTokens(), "max_completion_tokens wins over the legacy max_tokens");
        assertEquals(0.2f, c.sampling().temperature());
        assertEquals(0.5f, c.sampling().topP());
        assertEquals(42L, c.sampling().seed());
        assertEquals(List.of("a", "b"), c.sampling().stop());
        assertTrue(c.stream());
        assertTrue(c.includeUsage());
    }

    @Test
    void defaultsLeaveTheLengthToTheModel() {
        Requests.Completion c = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"stop\":\"END\"}");
        assertNull(c.maxTokens());
        assertFalse(c.stream());
        assertEquals(List.of("END"), c.sampling().stop());
    }

    @Test
    void eachMistakeNamesItsField() {
        assertEquals("invalid_json", error("{\"model\":").code());
        assertEquals("invalid_json", error("\"text\"").code());
        assertEquals("model", error("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").param());
        assertEquals("model", error("{\"model\":5,\"messages\":[]}").param());
        assertEquals("messages", error("{\"model\":\"m\"}").param());
        assertEquals("messages", error("{\"model\":\"m\",\"messages\":[]}").param());
        assertEquals("messages[0]", error("{\"model\":\"m\",\"messages\":[\"hi\"]}").param());
        assertEquals("messages[0].content", error("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}").param());
        assertEquals("messages[0].content", error("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"image_url\"}]}]}").param());
        String ok = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],";
        assertEquals("max_tokens", error(ok + "\"max_tokens\":1.5}").param());
        assertEquals("max_tokens", error(ok + "\"max_tokens\":0}").param());
        assertEquals("temperature", error(ok + "\"temperature\":\"hot\"}").param());
        assertEquals("top_p", error(ok + "\"top_p\":3}").param());
        assertEquals("seed", error(ok + "\"seed\":1.25}").param());
        assertEquals("stop", error(ok + "\"stop\":[1]}").param());
        assertEquals("stop", error(ok + "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}").param());
        assertEquals("stream", error(ok + "\"stream\":\"yes\"}").param());
        assertEquals("n", error(ok + "\"n\":2}").param());
        assertEquals(400, error(ok + "\"n\":2}").status());
    }

    @Test
    void completionsAndEmbeddings() {
        Requests.Completion c = Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":[\"Once\"]}"));
        assertEquals("Once", c.prompt());
        assertEquals("prompt", assertThrows(ApiError.class,
                () -> Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}"))).param());
        Requests.Embedding e = Requests.embedding(Fields.parseObject(
                "{\"model\":\"m\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}"));
        assertEquals(List.of("a", "b"), e.input());
        assertTrue(e.base64());
        assertEquals("encoding_format", assertThrows(ApiError.class, () -> Requests.embedding(
                Fields.parseObject("{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"hex\"}"))).param());
    }

    @Test
    void finishReasonsAsOpenAiNamesThem() {
        assertEquals("stop", Responses.finishReason(FinishReason.STOP));
        assertEquals("length", Responses.finishReason(FinishReason.LENGTH));
        assertEquals("length", Responses.finishReason(FinishReason.CONTEXT_FULL));
    }

    @Test
    void base64EmbeddingsAreLittleEndianFloats() {
        byte[] bytes = java.util.Base64.getDecoder().decode(OpenAiServlet.base64(new float[] { 1.0f }));
        assertEquals(List.of((byte) 0, (byte) 0, (byte) 0x80, (byte) 0x3f),
                List.of(bytes[0], bytes[1], bytes[2], bytes[3]));
    }

    @Test
    void aTopPThatIsZeroForAFloatMeansTheLikeliestTokenNeverAnError() {
        for (String topP : List.of("0", "-0", "-0.0", "1e-320", "4.9e-324", "1e-46")) {
            float value = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                    + "\"top_p\":" + topP + "}").sampling().topP();
            assertTrue(value > 0 && value < 1e-30f, topP + " gave " + value);
        }
        for (String topP : List.of("-1e-320", "1.0000001", "-1", "1e400")) {
            assertEquals(400, error("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                    + "\"top_p\":" + topP + "}").status(), topP);
        }
    }

    @Test
    void stopStringsAreCappedInNumberAndLength() {
        String base = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":";
        assertEquals(4, chat(base + "[\"a\",\"b\",\"c\",\"" + "d".repeat(256) + "\"]}").sampling().stop().size());
        assertEquals("stop", error(base + "[\"a\",\"b\",\"c\",\"d\",\"e\"]}").param());
        ApiError tooLong = error(base + "\"" + "s".repeat(257) + "\"}");
        assertEquals("stop", tooLong.param());
        assertTrue(tooLong.getMessage().contains("256"), tooLong.getMessage());
    }
}

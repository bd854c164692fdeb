package org.terroir.web.internal.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.ChatMessage;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.openai.Fields;

class OllamaRequestsTest {
    private static OllamaRequests.Call chat(String json) {
        return OllamaRequests.chat(Fields.parseObject(json));
    }

    @Test
    void optionsReachTheSampler() {
        OllamaRequests.Call c = chat("""
                {"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"u"}],
                 "options":{"num_predict":9,"temperature":0.3,"top_k":5,"top_p":0.8,"min_p":0.1,"repeat_penalty":1.2,
                 "seed":4,"stop":["x"],"num_ctx":8192,"num_thread":3,"mirostat":0,"typical_p":1,"unknown":true}}""");
        assertEquals(List.of(ChatMessage.system("s"), ChatMessage.user("u")), c.messages());
        assertTrue(c.stream(), "Ollama streams unless told not to");
        assertEquals(9, c.maxTokens());
        assertEquals(0.3f, c.sampling().temperature());
        assertEquals(5, c.sampling().topK());
        assertEquals(0.8f, c.sampling().topP());
        assertEquals(0.1f, c.sampling().minP());
        assertEquals(1.2f, c.sampling().repeatPenalty());
        assertEquals(4L, c.sampling().seed());
        assertEquals(List.of("x"), c.sampling().stop());
    }

    @Test
    void numPredictMinusOneOrTwoMeansUpToTheContext() {
        for (int n : new int[] { -1, -2 }) {
            assertNull(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"u\"}],"
                    + "\"options\":{\"num_predict\":" + n + "}}").maxTokens());
        }
    }

    @Test
    void generateWithAndWithoutTheTemplate() {
        OllamaRequests.Call templated = OllamaRequests.generate(Fields.parseObject(
                "{\"model\":\"m\",\"prompt\":\"p\",\"system\":\"s\",\"stream\":false}"));
        assertEquals(List.of(ChatMessage.system("s"), ChatMessage.user("p")), templated.messages());
        assertFalse(templated.raw());
        assertFalse(templated.stream());
        OllamaRequests.Call raw = OllamaRequests.generate(Fields.parseObject(
                "{\"model\":\"m\",\"prompt\":\"p\",\"raw\":true}"));
        assertTrue(raw.raw());
        assertEquals("p", raw.prompt());
        assertTrue(OllamaRequests.generate(Fields.parseObject("{\"model\":\"m\",\"keep_alive\":\"0s\"}")).unload());
        assertTrue(OllamaRequests.generate(Fields.parseObject("{\"model\":\"m\",\"keep_alive\":0}")).unload());
        assertFalse(OllamaRequests.generate(Fields.parseObject("{\"model\":\"m\",\"keep_alive\":\"5m\"}")).unload());
    }

    @Test
    void whatCannotBeHonouredIsRefused() {
        String m = "\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]";
        for (String extra : List.of("\"format\":\"xml\"", "\"format\":3", "\"tools\":[{}]", "\"options\":{\"mirostat\":1}",
                "\"options\":{\"tfs_z\":0.5}", "\"options\":{\"frequency_penalty\":2.5}", "\"images\":[\"x\"]", "\"top_logprobs\":21")) {
            ApiError e = assertThrows(ApiError.class, () -> chat("{\"model\":\"m\"," + m + "," + extra + "}"), extra);
            assertEquals(400, e.status());
        }
        chat("{\"model\":\"m\"," + m + ",\"format\":\"\",\"tools\":[],\"think\":false,\"keep_alive\":\"10m\"}");
        assertThrows(ApiError.class, () -> chat("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"));
        assertThrows(ApiError.class, () -> chat("{\"model\":\"m\",\"messages\":[]}"));
        assertThrows(ApiError.class, () -> OllamaRequests.embed(Fields.parseObject(
                "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":4}"), false));
    }

    @Test
    void penaltiesAndLogprobsReachTheRequest() {
        String m = "\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]";
        OllamaRequests.Call c = chat("{\"model\":\"m\"," + m + ",\"options\":{\"presence_penalty\":1.5,"
                + "\"frequency_penalty\":-0.5},\"logprobs\":true,\"top_logprobs\":3}");
        assertEquals(1.5f, c.sampling().presencePenalty());
        assertEquals(-0.5f, c.sampling().frequencyPenalty());
        assertEquals(3, c.logprobs());
        assertEquals(0, chat("{\"model\":\"m\"," + m + ",\"logprobs\":true}").logprobs());
        assertEquals(-1, chat("{\"model\":\"m\"," + m + "}").logprobs());
        assertEquals(2, OllamaRequests.generate(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"p\","
                + "\"logprobs\":true,\"top_logprobs\":2}")).logprobs());
    }

    @Test
    void toolsAndFormats() {
        OllamaRequests.Call c = chat("""
                {"model":"m","format":{"type":"object","properties":{"a":{"type":"integer"}}},
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
                 "messages":[{"role":"user","content":"Weather?"},
                  {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather",
                    "arguments":{"city":"Paris"}}}]},
                  {"role":"tool","content":"18 C"}]}""");
        assertEquals("get_weather", c.tools().get(0).name());
        assertEquals(org.terroir.api.inference.ResponseFormat.Type.JSON_SCHEMA, c.format().type());
        assertEquals(List.of(new org.terroir.api.inference.ToolCall("call_1_0", "get_weather", "{\"city\":\"Paris\"}")),
                c.messages().get(1).toolCalls());
        assertEquals("call_1_0", c.messages().get(2).toolCallId(), "a tool turn answers the oldest open call");
        assertEquals(org.terroir.api.inference.ResponseFormat.JSON_OBJECT,
                chat("{\"model\":\"m\",\"format\":\"json\",\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]}")
                        .format());
    }

    @Test
    void parameterSizesAsOllamaWritesThem() {
        assertEquals("7.6B", OllamaServlet.parameterSize("7615616512"));
        assertEquals("494.03M", OllamaServlet.parameterSize("494032768"));
    }
}

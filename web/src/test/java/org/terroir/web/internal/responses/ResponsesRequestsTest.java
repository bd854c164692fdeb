package org.terroir.web.internal.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.openai.Fields;

class ResponsesRequestsTest {
    private static ResponsesRequests.Call parse(String json) {
        return ResponsesRequests.parse(Fields.parseObject(json));
    }

    @Test
    void itemsBecomeTurns() {
        ResponsesRequests.Call c = parse("""
                {"model":"m","instructions":"Be brief","store":false,"previous_response_id":"resp_1",
                 "max_output_tokens":32,"temperature":0.1,
                 "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"}}],
                 "tool_choice":{"type":"function","name":"get_weather"},
                 "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}},
                 "input":[{"role":"user","content":[{"type":"input_text","text":"Weather?"}]},
                  {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                  {"type":"function_call_output","call_id":"call_1","output":"18 C"}]}""");
        assertEquals(List.of(ChatMessage.user("Weather?"),
                ChatMessage.assistant("", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))),
                ChatMessage.tool("call_1", "18 C")), c.input());
        assertEquals("Be brief", c.instructions());
        assertFalse(c.store());
        assertEquals("resp_1", c.previousResponseId());
        assertEquals(32, c.maxOutputTokens());
        assertEquals(ToolChoice.function("get_weather"), c.toolChoice());
        assertEquals(ResponseFormat.jsonSchema("w", "{\"type\":\"object\"}", true), c.format());
        assertTrue(parse("{\"model\":\"m\",\"input\":\"Hi\"}").store());
        assertEquals(List.of(ChatMessage.user("Hi")), parse("{\"model\":\"m\",\"input\":\"Hi\"}").input());
    }

    @Test
    void logprobsAreAskedByIncludeOrTopLogprobs() {
        assertEquals(-1, parse("{\"model\":\"m\",\"input\":\"x\",\"include\":[\"reasoning.encrypted_content\"]}")
                .logprobs());
        assertEquals(0, parse("{\"model\":\"m\",\"input\":\"x\",\"include\":[\"message.output_text.logprobs\"]}")
                .logprobs());
        assertEquals(4, parse("{\"model\":\"m\",\"input\":\"x\",\"include\":[\"message.output_text.logprobs\"],"
                + "\"top_logprobs\":4}").logprobs());
        assertEquals(3, parse("{\"model\":\"m\",\"input\":\"x\",\"top_logprobs\":3}").logprobs());
        assertThrows(ApiError.class, () -> parse("{\"model\":\"m\",\"input\":\"x\",\"top_logprobs\":21}"));
    }

    @Test
    void builtInToolsAndBadItemsAreRefused() {
        ApiError e = assertThrows(ApiError.class, () -> parse("{\"model\":\"m\",\"input\":\"x\","
                + "\"tools\":[{\"type\":\"web_search\"}]}"));
        assertEquals("tools[0].type", e.param());
        assertEquals("unsupported_value", e.code());
        assertEquals("input", assertThrows(ApiError.class, () -> parse("{\"model\":\"m\"}")).param());
        assertEquals("input[0].type", assertThrows(ApiError.class,
                () -> parse("{\"model\":\"m\",\"input\":[{\"type\":\"computer_call\"}]}")).param());
    }
}

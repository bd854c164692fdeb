package org.terroir.web.internal.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.openai.Fields;

class AnthropicRequestsTest {
    private static AnthropicRequests.Call parse(String json) {
        return AnthropicRequests.parse(Fields.parseObject(json), false);
    }

    private static ApiError error(String json) {
        return assertThrows(ApiError.class, () -> parse(json));
    }

    @Test
    void aToolRoundTripBecomesTurns() {
        AnthropicRequests.Call c = parse("""
                {"model":"m","max_tokens":64,"system":[{"type":"text","text":"Be brief"}],
                 "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object",
                   "properties":{"city":{"type":"string"}}}}],
                 "tool_choice":{"type":"tool","name":"get_weather"},"stop_sequences":["END"],"temperature":0.5,
                 "top_k":5,"stream":true,
                 "messages":[{"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":[{"type":"text","text":"Let me see."},
                    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18 C"}]}]}""");
        assertEquals(List.of(ChatMessage.system("Be brief"), ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistant("Let me see.", List.of(new ToolCall("toolu_1", "get_weather",
                        "{\"city\":\"Paris\"}"))),
                ChatMessage.tool("toolu_1", "18 C")), c.request().messages());
        assertEquals(ToolChoice.function("get_weather"), c.request().toolChoice());
        assertEquals(64, c.request().sampling().maxTokens());
        assertEquals(List.of("END"), c.request().sampling().stop());
        assertEquals(5, c.request().sampling().topK());
        assertTrue(c.stream());
        assertEquals(ToolChoice.REQUIRED, parse("""
                {"model":"m","max_tokens":1,"tools":[{"name":"f","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"any"},"messages":[{"role":"user","content":"x"}]}""").request().toolChoice());
    }

    @Test
    void mistakesNameTheirField() {
        assertEquals("max_tokens", error("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .param());
        assertEquals("messages[0].role", error("{\"model\":\"m\",\"max_tokens\":1,\"messages\":"
                + "[{\"role\":\"system\",\"content\":\"x\"}]}").param());
        assertEquals("messages[0].content[0].type", error("{\"model\":\"m\",\"max_tokens\":1,\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]}]}").param());
        assertEquals("tools[0].type", error("{\"model\":\"m\",\"max_tokens\":1,\"tools\":[{\"type\":"
                + "\"web_search_20250305\",\"name\":\"web_search\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .param());
        assertEquals("temperature", error("{\"model\":\"m\",\"max_tokens\":1,\"temperature\":1.5,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}]}").param());
        // count_tokens needs no max_tokens
        AnthropicRequests.parse(Fields.parseObject("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                true);
    }

    @Test
    void stopReasonsAndErrorShape() {
        GenerationStats stop = new GenerationStats("", 1, 1, 1, 1, FinishReason.STOP);
        assertEquals("end_turn", AnthropicServlet.stopReason(stop, false));
        assertEquals("max_tokens", AnthropicServlet.stopReason(stop, true));
        assertEquals("tool_use", AnthropicServlet.stopReason(stop.withToolCalls(List.of(new ToolCall("a", "f", "{}"))),
                false));
        ApiError e = error("{\"model\":\"m\",\"messages\":[]}");
        assertEquals("error", AnthropicServlet.body(e).get("type").getAsString());
        assertEquals("invalid_request_error", AnthropicServlet.body(e).getAsJsonObject("error").get("type")
                .getAsString());
        assertEquals("not_found_error", AnthropicServlet.body(new ApiError(404, "x", "y", null, "z"))
                .getAsJsonObject("error").get("type").getAsString());
    }
}

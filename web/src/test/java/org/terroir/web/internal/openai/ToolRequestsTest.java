package org.terroir.web.internal.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.TokenLogprob;
import org.terroir.api.inference.ToolCall;
import org.terroir.api.inference.ToolChoice;
import org.terroir.web.internal.http.ApiError;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Tools, tool choices, tool turns, response formats and log probabilities of /v1/chat/completions. */
class ToolRequestsTest {
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city",
              "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
             {"type":"function","function":{"name":"get_time"}}]""";

    private static Requests.Completion chat(String fields) {
        return Requests.chat(Fields.parseObject("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]"
                + (fields.isEmpty() ? "" : "," + fields) + "}"));
    }

    private static ApiError error(String fields) {
        return assertThrows(ApiError.class, () -> chat(fields));
    }

    @Test
    void toolsAndChoicesBecomeTheApisValues() {
        Requests.Completion c = chat(TOOLS + ",\"tool_choice\":\"required\",\"parallel_tool_calls\":false");
        assertEquals(2, c.tools().size());
        assertEquals("get_weather", c.tools().get(0).name());
        assertEquals("Weather of a city", c.tools().get(0).description());
        assertEquals("string", JsonParser.parseString(c.tools().get(0).parametersJson()).getAsJsonObject()
                .getAsJsonObject("properties").getAsJsonObject("city").get("type").getAsString());
        assertEquals(ToolChoice.REQUIRED, c.toolChoice());
        assertFalse(c.parallelToolCalls());
        assertEquals(ToolChoice.function("get_time"),
                chat(TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}")
                        .toolChoice());
        assertEquals(ToolChoice.NONE, chat(TOOLS + ",\"tool_choice\":\"none\"").toolChoice());
        assertEquals(ToolChoice.AUTO, chat(TOOLS).toolChoice());
        GenerationRequest r = c.apply(GenerationRequest.chat(c.messages(),
                org.terroir.api.inference.Sampling.defaults()));
        assertEquals(c.tools(), r.tools());
        assertEquals(ToolChoice.REQUIRED, r.toolChoice());
    }

    @Test
    void badToolsNameTheirField() {
        assertEquals("tools[0].type", error("\"tools\":[{\"type\":\"web_search\"}]").param());
        assertEquals("tools[0].function", error("\"tools\":[{\"type\":\"function\"}]").param());
        assertEquals("tools[0].function.name",
                error("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"no spaces\"}}]").param());
        assertEquals("tools", error("\"tools\":[{\"function\":{\"name\":\"a\"}},{\"function\":{\"name\":\"a\"}}]")
                .param());
        assertEquals("tool_choice", error(TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                + "{\"name\":\"nope\"}}").param());
        assertEquals("tool_choice", error("\"tool_choice\":\"required\"").param(), "required needs tools");
        assertEquals("tool_choice", error(TOOLS + ",\"tool_choice\":\"sometimes\"").param());
        assertEquals("parallel_tool_calls", error("\"parallel_tool_calls\":\"no\"").param());
    }

    @Test
    void toolTurnsAndAssistantCallsAreRead() {
        Requests.Completion c = Requests.chat(Fields.parseObject("""
                {"model":"m","messages":[{"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"18 C, sunny"}]}"""));
        assertEquals(ChatMessage.assistant("", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))),
                c.messages().get(1));
        assertEquals(ChatMessage.tool("call_1", "18 C, sunny"), c.messages().get(2));
        ApiError e = assertThrows(ApiError.class, () -> Requests.chat(Fields.parseObject(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}")));
        assertEquals("messages[0].tool_call_id", e.param());
        e = assertThrows(ApiError.class, () -> Requests.chat(Fields.parseObject("{\"model\":\"m\",\"messages\":"
                + "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"not json\"}}]}]}")));
        assertEquals("messages[0].tool_calls[0].function.arguments", e.param());
    }

    @Test
    void responseFormatsAndLogprobs() {
        assertEquals(ResponseFormat.JSON_OBJECT, chat("\"response_format\":{\"type\":\"json_object\"}")
                .responseFormat());
        ResponseFormat f = chat("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\","
                + "\"strict\":true,\"schema\":{\"type\":\"object\"}}}").responseFormat();
        assertEquals(ResponseFormat.jsonSchema("p", "{\"type\":\"object\"}", true), f);
        assertEquals("response_format.json_schema.schema",
                error("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\"}}").param());
        assertEquals(-1, chat("").logprobs());
        assertEquals(0, chat("\"logprobs\":true").logprobs());
        assertEquals(5, chat("\"logprobs\":true,\"top_logprobs\":5").logprobs());
        assertEquals("top_logprobs", error("\"top_logprobs\":5").param());
        assertEquals("top_logprobs", error("\"logprobs\":true,\"top_logprobs\":21").param());
    }

    @Test
    void repliesCarryCallsLogprobsCachedTokensAndEnergy() {
        JsonObject m = Responses.message("", List.of(new ToolCall("call_9", "get_time", "{}")));
        assertTrue(m.get("content").isJsonNull());
        assertEquals("get_time", m.getAsJsonArray("tool_calls").get(0).getAsJsonObject()
                .getAsJsonObject("function").get("name").getAsString());
        assertFalse(m.getAsJsonArray("tool_calls").get(0).getAsJsonObject().has("index"));
        assertEquals("tool_calls", Responses.finishReason(FinishReason.TOOL_CALLS));

        GenerationStats stats = new GenerationStats("hi", 10, 2, 5, 9, FinishReason.STOP).withCachedPromptTokens(7)
                .withEnergy(new EnergyUse(36, EnergyUse.Method.ESTIMATED, "CPU time"));
        JsonObject usage = Responses.usage(stats);
        assertEquals(7, usage.getAsJsonObject("prompt_tokens_details").get("cached_tokens").getAsInt());
        assertEquals(0.01, usage.getAsJsonObject("energy").get("wh").getAsDouble(), 1e-9);
        assertEquals("estimated", usage.getAsJsonObject("energy").get("method").getAsString());
        assertFalse(Responses.usage(new GenerationStats("", 1, 1, 1, 1, FinishReason.STOP)).has("energy"));

        JsonObject lp = Responses.logprobs(List.of(new TokenLogprob("hi", "hi".getBytes(), -0.5,
                List.of(new TokenLogprob("ho", null, -1.5, null)))), true).getAsJsonObject();
        JsonObject first = lp.getAsJsonArray("content").get(0).getAsJsonObject();
        assertEquals(-0.5, first.get("logprob").getAsDouble());
        assertEquals(104, first.getAsJsonArray("bytes").get(0).getAsInt());
        assertEquals("ho", first.getAsJsonArray("top_logprobs").get(0).getAsJsonObject().get("token").getAsString());
        assertTrue(Responses.logprobs(List.of(), false).isJsonNull());
    }
}

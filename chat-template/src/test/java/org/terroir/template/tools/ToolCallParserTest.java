package org.terroir.template.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.terroir.template.tools.ToolCallParser.Call;
import org.terroir.template.tools.ToolCallParser.Format;
import org.terroir.template.tools.ToolCallParser.Parsed;

/** Answers as each family writes them (special tokens rendered), split into content and calls. */
class ToolCallParserTest {
    @Test
    void hermesAndQwen3ParallelCalls() {
        Parsed p = ToolCallParser.parse(Format.HERMES, "Let me check both.\n<tool_call>\n{\"name\": \"get_weather\","
                + " \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", "
                + "\"arguments\": {\"city\": \"Lyon\", \"unit\": \"celsius\"}}\n</tool_call>");
        assertEquals("Let me check both.", p.content());
        assertEquals(List.of(new Call("get_weather", "{\"city\":\"Paris\"}"),
                new Call("get_weather", "{\"city\":\"Lyon\",\"unit\":\"celsius\"}")), p.calls());
    }

    @Test
    void qwen35XmlFunctionCall() {
        Parsed p = ToolCallParser.parse(Format.HERMES, "<tool_call>\n<function=get_weather>\n<parameter=city>\n"
                + "San Francisco\n</parameter>\n<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>");
        assertEquals("", p.content());
        assertEquals(List.of(new Call("get_weather", "{\"city\":\"San Francisco\",\"days\":3}")), p.calls());
    }

    @Test
    void hermesUnclosedAtTheEndAndBrokenCallsStayText() {
        Parsed p = ToolCallParser.parse(Format.HERMES, "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}");
        assertEquals(List.of(new Call("f", "{}")), p.calls());
        String broken = "<tool_call>{\"name\": \"f\", \"argu</tool_call>";
        Parsed b = ToolCallParser.parse(Format.HERMES, broken);
        assertEquals(broken, b.content());
        assertTrue(b.calls().isEmpty());
    }

    @Test
    void llama3JsonAndPythonTag() {
        Parsed p = ToolCallParser.parse(Format.LLAMA3,
                "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}");
        assertEquals(List.of(new Call("get_weather", "{\"city\":\"Paris\"}")), p.calls());
        assertEquals("", p.content());
        Parsed tag = ToolCallParser.parse(Format.LLAMA3, "<|python_tag|>{\"name\": \"a\", \"parameters\": {\"x\": 1}}; "
                + "{\"name\": \"b\", \"parameters\": {}}<|eom_id|>");
        assertEquals(List.of(new Call("a", "{\"x\":1}"), new Call("b", "{}")), tag.calls());
        Parsed prose = ToolCallParser.parse(Format.LLAMA3, "The weather in Paris is mild.");
        assertEquals("The weather in Paris is mild.", prose.content());
        assertTrue(prose.calls().isEmpty());
        // a JSON answer that is not a call stays the answer
        assertTrue(ToolCallParser.parse(Format.LLAMA3, "{\"temperature\": 21}").calls().isEmpty());
    }

    @Test
    void mistralArrayAndNewerNamedForm() {
        Parsed p = ToolCallParser.parse(Format.MISTRAL, "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}, \"id\": \"abc123def\"}, {\"name\": \"get_time\", \"arguments\": {}}]</s>");
        assertEquals(List.of(new Call("get_weather", "{\"city\":\"Paris\"}"), new Call("get_time", "{}")), p.calls());
        Parsed named = ToolCallParser.parse(Format.MISTRAL, "Sure.[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}"
                + "[TOOL_CALLS]get_time[ARGS]{\"zone\": \"CET\"}");
        assertEquals("Sure.", named.content());
        assertEquals(List.of(new Call("get_weather", "{\"city\":\"Paris\"}"), new Call("get_time",
                "{\"zone\":\"CET\"}")), named.calls());
    }

    @Test
    void granite() {
        Parsed p = ToolCallParser.parse(Format.GRANITE, "<|tool_call|>[{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}}]");
        assertEquals(List.of(new Call("get_weather", "{\"city\":\"Paris\"}")), p.calls());
        assertEquals("", p.content());
    }

    @Test
    void gptOssHarmony() {
        Parsed p = ToolCallParser.parse(Format.HARMONY, "<|channel|>analysis<|message|>Need weather for Paris."
                + "<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json"
                + "<|message|>{\"city\":\"Paris\"}<|call|>");
        assertEquals(List.of(new Call("get_weather", "{\"city\":\"Paris\"}")), p.calls());
        assertEquals("", p.content());
        Parsed answer = ToolCallParser.parse(Format.HARMONY, "<|channel|>analysis<|message|>Simple.<|end|>"
                + "<|start|>assistant<|channel|>final<|message|>Bonjour !<|return|>");
        assertEquals("Bonjour !", answer.content());
        assertTrue(answer.calls().isEmpty());
    }

    @Test
    void theFormatIsReadFromTheTemplate() {
        assertEquals(Format.HERMES, Format.detect("{%- if tools %}<tools>{% endif %}<tool_call>\\n{{ tc | tojson }}",
                "qwen3"));
        assertEquals(Format.LLAMA3, Format.detect("<|start_header_id|>ipython<|end_header_id|> \"parameters\"",
                "llama"));
        assertEquals(Format.MISTRAL, Format.detect("{{- '[TOOL_CALLS]' }}", "llama"));
        assertEquals(Format.GRANITE, Format.detect("<|tool_call|>", "granite"));
        assertEquals(Format.HARMONY, Format.detect("<|channel|>commentary", "gpt-oss"));
        assertEquals(Format.NONE, Format.detect("{{ messages[0].content }}", "llama"));
        assertTrue(ToolCallParser.newId().matches("call_[A-Za-z0-9]{24}"));
    }
}

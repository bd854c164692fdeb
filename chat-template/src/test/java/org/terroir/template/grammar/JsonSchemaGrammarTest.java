package org.terroir.template.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The grammar's shape; that llama.cpp accepts it and that what it generates validates against the schema is
 * checked with the real engine by backend-llamacpp's GrammarSamplingTest.
 */
class JsonSchemaGrammarTest {
    @Test
    void everyRuleUsedIsDefinedAndRootComesFirst() {
        String g = JsonSchemaGrammar.fromSchema("""
                {"type":"object","properties":{
                  "name":{"type":"string","maxLength":8},
                  "age":{"type":"integer","minimum":0},
                  "tags":{"type":"array","items":{"enum":["a","b",3,null]},"minItems":1,"maxItems":3},
                  "when":{"type":"string","format":"date-time"},
                  "kind":{"const":"x\\"y"},
                  "parent":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]},
                  "score":{"type":["number","null"]}},
                 "required":["name","age","tags","when","kind","parent","score"],"additionalProperties":false,
                 "$defs":{"node":{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#/$defs/node"},
                   {"type":"null"}]}},"required":["next"],"additionalProperties":false}}}""");
        assertTrue(g.startsWith("root ::= "), g);
        assertDefined(g);
        assertTrue(g.contains("char{0,8}"), g);
        assertTrue(g.contains("\"\\\"kind\\\"\" ws \":\" ws \"\\\"x\\\\\\\"y\\\"\""), g);
        assertTrue(g.contains("ref-node ::= "), g);
    }

    @Test
    void optionalPropertiesNeverLeaveAStrayComma() {
        String g = JsonSchemaGrammar.fromSchema("""
                {"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"boolean"}},"required":["b"]}""");
        assertDefined(g);
        // a first then ", b", or b alone: the first emitted pair has no comma before it.
        assertTrue(g.contains("(\"\\\"a\\\"\" ws \":\" ws boolean ws \",\" ws \"\\\"b\\\"\" ws \":\" ws boolean ws)"
                + " | (\"\\\"b\\\"\" ws \":\" ws boolean ws)"), g);
    }

    @Test
    void whitespaceIsBounded() {
        String g = JsonSchemaGrammar.jsonObject();
        assertDefined(g);
        assertTrue(g.contains("ws ::= [ \\t\\n]{0," + JsonSchemaGrammar.MAX_SPACE + "}"), g);
        assertTrue(g.startsWith("root ::= object"), g);
    }

    @Test
    void smallIntegerRangesAreEnumerated() {
        String g = JsonSchemaGrammar.fromSchema("{\"type\":\"integer\",\"minimum\":-2,\"maximum\":2}");
        assertTrue(g.contains("\"-2\" | \"-1\" | \"0\" | \"1\" | \"2\""), g);
    }

    @Test
    void whatCannotBeEnforcedIsRefused() {
        assertCode(GrammarException.UNSUPPORTED, "{\"type\":\"string\",\"pattern\":\"^a+$\"}");
        assertCode(GrammarException.UNSUPPORTED, "{\"allOf\":[{\"type\":\"string\"}]}");
        assertCode(GrammarException.UNSUPPORTED, "{\"type\":\"number\",\"maximum\":3}");
        assertCode(GrammarException.UNSUPPORTED, "{\"type\":\"array\",\"uniqueItems\":true}");
        assertCode(GrammarException.REF, "{\"$ref\":\"#/$defs/missing\"}");
        assertCode(GrammarException.REF, "{\"$ref\":\"https://example.com/s.json\"}");
        assertCode(GrammarException.INVALID, "{\"type\":");
        assertCode(GrammarException.INVALID, "[1]");
        assertCode(GrammarException.INVALID, "{\"type\":\"strin\"}");
        assertCode(GrammarException.INVALID, "{\"enum\":[]}");
        assertCode(GrammarException.INVALID, "{\"type\":\"array\",\"minItems\":3,\"maxItems\":1}");
        String deep = "{\"type\":\"array\",\"items\":".repeat(100) + "{}" + "}".repeat(100);
        assertCode(GrammarException.TOO_LARGE, deep);
    }

    private static void assertCode(String code, String schema) {
        GrammarException e = assertThrows(GrammarException.class, () -> JsonSchemaGrammar.fromSchema(schema));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(!e.args().isEmpty() && !e.getMessage().isBlank());
    }

    /** Every name used outside literals and classes is defined once. */
    private static void assertDefined(String grammar) {
        Set<String> defined = new HashSet<>();
        StringBuilder bodies = new StringBuilder();
        for (String line : grammar.split("\n")) {
            int at = line.indexOf(" ::= ");
            assertTrue(at > 0, line);
            assertTrue(defined.add(line.substring(0, at)), "defined twice: " + line);
            bodies.append(' ').append(line.substring(at + 5));
        }
        String stripped = bodies.toString().replaceAll("\"(\\\\.|[^\"\\\\])*\"", " ")
                .replaceAll("\\[(\\\\.|[^\\]\\\\])*\\]", " ").replaceAll("\\{[0-9,]*\\}", " ");
        Matcher m = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]*").matcher(stripped);
        while (m.find()) {
            assertTrue(defined.contains(m.group()), "undefined rule " + m.group() + " in\n" + grammar);
        }
    }
}

package org.terroir.web.internal.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.terroir.web.internal.http.ApiError;

/** The sampling fields beyond OpenAI's, and the fields Terroir refuses rather than ignores. */
class SamplingFieldsTest {
    private static final String BASE = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";

    private static Requests.Completion chat(String extra) {
        return Requests.chat(Fields.parseObject("{" + BASE + "," + extra + "}"));
    }

    private static ApiError refused(String extra) {
        return assertThrows(ApiError.class, () -> chat(extra), extra);
    }

    @Test
    void llamaServerSamplingFieldsReachTheSampler() {
        Requests.Completion c = chat("\"top_k\":7,\"min_p\":0.2,\"repeat_penalty\":1.3,\"seed\":9,"
                + "\"presence_penalty\":0,\"frequency_penalty\":0.0");
        assertEquals(7, c.sampling().topK());
        assertEquals(0.2f, c.sampling().minP());
        assertEquals(1.3f, c.sampling().repeatPenalty());
        assertEquals(9L, c.sampling().seed());
    }

    @Test
    void outOfRangeValuesAreA400NamingTheField() {
        for (String field : new String[] { "\"top_k\":-1", "\"min_p\":1.5", "\"repeat_penalty\":0",
                "\"repeat_penalty\":11", "\"presence_penalty\":3", "\"frequency_penalty\":-2.5", "\"top_k\":1.5" }) {
            ApiError e = refused(field);
            assertEquals(400, e.status());
            assertEquals(field.substring(1, field.indexOf('"', 1)), e.param(), field);
        }
    }

    @Test
    void fieldsTerroirCannotHonourAreRefusedNotIgnored() {
        String[][] cases = { { "\"logprobs\":true", "logprobs" }, { "\"top_logprobs\":3", "top_logprobs" },
                { "\"logit_bias\":{\"50256\":-100}", "logit_bias" },
                { "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", "tools" },
                { "\"tool_choice\":\"required\"", "tool_choice" },
                { "\"response_format\":{\"type\":\"json_object\"}", "response_format" },
                { "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}}", "response_format" },
                { "\"presence_penalty\":0.5", "presence_penalty" }, { "\"frequency_penalty\":1", "frequency_penalty" },
                { "\"functions\":[{\"name\":\"f\"}]", "functions" }, { "\"audio\":{\"voice\":\"x\"}", "audio" },
                { "\"modalities\":[\"text\",\"audio\"]", "modalities" } };
        for (String[] c : cases) {
            ApiError e = refused(c[0]);
            assertEquals(400, e.status(), c[0]);
            assertEquals(c[1], e.param(), c[0]);
            assertEquals("invalid_request_error", e.type());
            assertEquals(c[1].equals("response_format") || c[1].endsWith("_penalty") ? "unsupported_value"
                    : "unsupported_parameter", e.code(), c[0]);
        }
    }

    @Test
    void neutralValuesPass() {
        chat("\"logprobs\":false,\"top_logprobs\":0,\"logit_bias\":{},\"tools\":[],\"tool_choice\":\"none\","
                + "\"response_format\":{\"type\":\"text\"},\"modalities\":[\"text\"],\"parallel_tool_calls\":true,"
                + "\"user\":\"u\",\"store\":false,\"metadata\":{\"a\":\"b\"}");
    }

    @Test
    void textCompletionsRefuseEchoBestOfSuffixAndLogprobs() {
        for (String[] c : new String[][] { { "\"echo\":true", "echo" }, { "\"best_of\":3", "best_of" },
                { "\"suffix\":\"}\"", "suffix" }, { "\"logprobs\":2", "logprobs" } }) {
            ApiError e = assertThrows(ApiError.class,
                    () -> Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"x\"," + c[0] + "}")));
            assertEquals(c[1], e.param());
        }
        Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"x\",\"echo\":false,\"best_of\":1,"
                + "\"logprobs\":0,\"top_k\":3}"));
    }
}

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
        assertEquals(0f, c.sampling().presencePenalty());
        assertEquals(java.util.Map.of(), c.sampling().logitBias());
    }

    @Test
    void penaltiesAndLogitBiasReachTheSampler() {
        Requests.Completion c = chat("\"presence_penalty\":0.5,\"frequency_penalty\":-1.25,"
                + "\"logit_bias\":{\"50256\":-100,\" 7\":100,\"3\":0,\"12\":2.5}");
        assertEquals(0.5f, c.sampling().presencePenalty());
        assertEquals(-1.25f, c.sampling().frequencyPenalty());
        // a 0 bias changes nothing and is dropped
        assertEquals(java.util.Map.of(50256, -100f, 7, 100f, 12, 2.5f), c.sampling().logitBias());
        Requests.Completion text = Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"x\","
                + "\"presence_penalty\":2,\"logit_bias\":{\"1\":-5}}"));
        assertEquals(2f, text.sampling().presencePenalty());
        assertEquals(java.util.Map.of(1, -5f), text.sampling().logitBias());
    }

    @Test
    void aBadLogitBiasIsA400NamingIt() {
        for (String bad : new String[] { "\"logit_bias\":{\"x\":1}", "\"logit_bias\":{\"-1\":1}",
                "\"logit_bias\":{\"1.5\":1}", "\"logit_bias\":{\"1\":101}", "\"logit_bias\":{\"1\":\"a\"}",
                "\"logit_bias\":[1]", "\"logit_bias\":{\"99999999999\":1}" }) {
            ApiError e = refused(bad);
            assertEquals(400, e.status(), bad);
            assertEquals("logit_bias", e.param(), bad);
        }
        StringBuilder many = new StringBuilder("\"logit_bias\":{");
        for (int i = 0; i <= Requests.MAX_LOGIT_BIAS; i++) {
            many.append(i == 0 ? "" : ",").append('"').append(i).append("\":1");
        }
        assertEquals("logit_bias", refused(many + "}").param());
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
        String[][] cases = { { "\"response_format\":{\"type\":\"grammar\"}", "response_format" },
                { "\"functions\":[{\"name\":\"f\"}]", "functions" }, { "\"audio\":{\"voice\":\"x\"}", "audio" },
                { "\"modalities\":[\"text\",\"audio\"]", "modalities" } };
        for (String[] c : cases) {
            ApiError e = refused(c[0]);
            assertEquals(400, e.status(), c[0]);
            assertEquals(c[1], e.param(), c[0]);
            assertEquals("invalid_request_error", e.type());
            assertEquals(c[1].equals("response_format") ? "unsupported_value" : "unsupported_parameter", e.code(),
                    c[0]);
        }
    }

    @Test
    void neutralValuesPass() {
        chat("\"logprobs\":false,\"top_logprobs\":0,\"logit_bias\":{},\"tools\":[],\"tool_choice\":\"none\","
                + "\"response_format\":{\"type\":\"text\"},\"modalities\":[\"text\"],\"parallel_tool_calls\":true,"
                + "\"user\":\"u\",\"store\":false,\"metadata\":{\"a\":\"b\"}");
    }

    @Test
    void textCompletionsRefuseEchoBestOfAndSuffixAndTakeLogprobs() {
        for (String[] c : new String[][] { { "\"echo\":true", "echo" }, { "\"best_of\":3", "best_of" },
                { "\"suffix\":\"}\"", "suffix" }, { "\"logprobs\":21", "logprobs" }, { "\"logprobs\":-1", "logprobs" },
                { "\"logprobs\":true", "logprobs" } }) {
            ApiError e = assertThrows(ApiError.class,
                    () -> Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"x\"," + c[0] + "}")));
            assertEquals(c[1], e.param());
        }
        assertEquals(0, Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"x\",\"echo\":false,"
                + "\"best_of\":1,\"logprobs\":0,\"top_k\":3}")).logprobs());
        assertEquals(5, Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":5}"))
                .logprobs());
        assertEquals(-1, Requests.text(Fields.parseObject("{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":null}"))
                .logprobs());
    }
}

package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void objectsArraysAndNumbersComeOutAsMapsListsAndDoubles() {
        Map<String, Object> config = Json.parseObject(
                "{\"eos_token_id\": [2, 32000], \"hidden_size\": 64, \"name\": \"tiny\", \"tie\": true, \"x\": null}");
        assertEquals(List.of(2.0, 32000.0), config.get("eos_token_id"));
        assertEquals(64.0, config.get("hidden_size"));
        assertEquals("tiny", config.get("name"));
        assertEquals(true, config.get("tie"));
        assertEquals(true, config.containsKey("x"));
    }

    @Test
    void whatALenientReaderWouldAcceptIsRefused() {
        for (String bad : List.of("{\"a\": 1} trailing", "{'a': 1}", "{a: 1}", "{\"a\": NaN}", "{\"a\": 1 // c\n}",
                "{\"model\": ", "[1, 2]", "", "\"text\"")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parseObject(bad), bad);
        }
    }
}

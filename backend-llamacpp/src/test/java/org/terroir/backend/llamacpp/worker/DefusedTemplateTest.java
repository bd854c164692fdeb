package org.terroir.backend.llamacpp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The copy of a model's template that the classic engine's library sees: plain text, the same markers. */
class DefusedTemplateTest {

    @Test
    void noJinjaDelimiterIsLeftAndEveryMarkerStays() {
        String chatml = "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' }}"
                + "{{ message['content'] }}{{ '<|im_end|>\\n' }}{#- a comment -#}{% endfor %}"
                + "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
        String defused = LlamaSession.defused(chatml);
        for (String delimiter : List.of("{{", "}}", "{%", "%}", "{#", "#}")) {
            assertFalse(defused.contains(delimiter), delimiter + " in " + defused);
        }
        for (String marker : List.of("<|im_start|>", "<|im_end|>", "message['role']", "add_generation_prompt")) {
            assertTrue(defused.contains(marker), marker);
        }
    }

    @Test
    void runsOfBracesAreAllBrokenAndOtherTextIsUntouched() {
        assertEquals("{ { {", LlamaSession.defused("{{{"));
        assertEquals("} } }", LlamaSession.defused("}}}"));
        assertEquals("{ %- x -% }", LlamaSession.defused("{%- x -%}"));
        String plain = "[INST] <<SYS>> {system} [/INST] <start_of_turn>user 100% #1 {a} }";
        assertEquals(plain, LlamaSession.defused(plain));
        assertEquals("", LlamaSession.defused(""));
    }

    @Test
    void onlyTemplatesWithTheMarkersOfTheFirstBuiltInOnesAreHandedOver() {
        assertTrue(LlamaSession.recognizable("{{ '<|im_start|>' + m.role }}"));
        assertTrue(LlamaSession.recognizable("{{ bos_token + '[INST] ' + m.content + ' [/INST]' }}"));
        assertTrue(LlamaSession.recognizable("<start_of_turn>user\n{{ m.content }}<end_of_turn>"));
        assertTrue(LlamaSession.recognizable("<|start_header_id|>{{ m.role }}<|end_header_id|>"));
        assertTrue(LlamaSession.recognizable("<|user|>{{ m.content }}<|end|><|assistant|>"));
        assertFalse(LlamaSession.recognizable("<|start_header_id|>{{ m.role }}"));
        assertFalse(LlamaSession.recognizable("{% for m in messages %}[{{ m.role | upper }}]{% endfor %}"));
        assertFalse(LlamaSession.recognizable(""));
    }
}

package org.terroir.testkit.gguf;

/** Chat templates tests give their tiny models ({@link TinyLlama.Builder#chatTemplate}) for what a template decides. */
public final class ChatTemplates {
    /**
     * A minimal Hermes/Qwen-style template that shows the tools: tools in the system turn, calls as
     * {@code <tool_call>} JSON, results as {@code <tool_response>}; a backend then enforces a forced call's syntax.
     */
    public static final String HERMES = """
            {%- if tools %}<|im_start|>system
            # Tools
            <tools>{% for t in tools %}{{ t | tojson }}{% endfor %}</tools>
            Call a tool with <tool_call>{"name": ..., "arguments": ...}</tool_call><|im_end|>
            {% endif %}{%- for m in messages %}<|im_start|>{{ m.role }}
            {% if m.tool_calls %}{% for tc in m.tool_calls %}<tool_call>
            {{ {"name": tc.function.name, "arguments": tc.function.arguments} | tojson }}
            </tool_call>{% endfor %}{% elif m.role == 'tool' %}<tool_response>{{ m.content }}</tool_response>\
            {% else %}{{ m.content }}{% endif %}<|im_end|>
            {% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
            {% endif %}""";

    private ChatTemplates() {
    }
}

package org.terroir.chat.internal;

import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.terroir.api.chat.AnswerStats;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.inference.Sampling;

/** Writes a conversation as Markdown (for people) or JSON (for programs; field names are stable). */
final class Exporter {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private Exporter() {
    }

    static String markdown(Conversation c, List<StoredMessage> messages, Locale locale) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(c.title()).append("\n\n");
        b.append("- ").append(Messages.text(Messages.TEXTS, locale, "export.model", c.modelRef() == null ? "-" : c.modelRef()))
                .append('\n');
        if (c.presetId() != null) {
            b.append("- ").append(Messages.text(Messages.TEXTS, locale, "export.preset", c.presetId())).append('\n');
        }
        b.append("- ").append(Messages.text(Messages.TEXTS, locale, "export.created",
                WHEN.format(c.created().atZone(ZoneId.systemDefault())))).append("\n\n");
        if (c.systemPrompt() != null && !c.systemPrompt().isBlank()) {
            b.append("## ").append(Messages.text(Messages.TEXTS, locale, "export.role.system")).append("\n\n")
                    .append(c.systemPrompt()).append("\n\n");
        }
        for (StoredMessage m : messages) {
            b.append("## ").append(Messages.text(Messages.TEXTS, locale, "export.role." + m.role().wireName())).append("\n\n");
            b.append(m.content()).append("\n\n");
            if (!m.complete()) {
                b.append("> ").append(Messages.text(Messages.TEXTS, locale, "export.incomplete")).append("\n\n");
            }
            AnswerStats s = m.stats();
            if (s != null) {
                b.append("_").append(Messages.text(Messages.TEXTS, locale, "export.stats", s.generatedTokens(),
                        s.tokensPerSecond(), s.timeToFirstTokenMs() / 1000.0, s.model())).append("_\n\n");
            }
        }
        return b.toString();
    }

    static String json(Conversation c, List<StoredMessage> messages) {
        StringBuilder b = new StringBuilder("{\n");
        field(b, "id", Json.string(c.id()));
        field(b, "title", Json.string(c.title()));
        field(b, "model", Json.string(c.modelRef()));
        field(b, "preset", Json.string(c.presetId()));
        field(b, "systemPrompt", Json.string(c.systemPrompt()));
        field(b, "sampling", sampling(c.sampling()));
        field(b, "created", Json.string(c.created().toString()));
        field(b, "updated", Json.string(c.updated().toString()));
        b.append("  \"messages\": [");
        b.append(messages.stream().map(Exporter::message).collect(Collectors.joining(",", "\n", "\n  ")));
        b.append("]\n}\n");
        return b.toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append("  ").append(Json.string(name)).append(": ").append(value).append(",\n");
    }

    private static String sampling(Sampling s) {
        return "{\"maxTokens\": " + s.maxTokens() + ", \"temperature\": " + Json.number(s.temperature())
                + ", \"topK\": " + s.topK() + ", \"topP\": " + Json.number(s.topP()) + ", \"minP\": "
                + Json.number(s.minP()) + ", \"repeatPenalty\": " + Json.number(s.repeatPenalty()) + ", \"seed\": "
                + (s.seed() == null ? "null" : s.seed()) + ", \"stop\": "
                + s.stop().stream().map(Json::string).collect(Collectors.joining(", ", "[", "]")) + "}";
    }

    private static String message(StoredMessage m) {
        AnswerStats s = m.stats();
        String stats = s == null ? "null"
                : "{\"model\": " + Json.string(s.model()) + ", \"promptTokens\": " + s.promptTokens()
                        + ", \"generatedTokens\": " + s.generatedTokens() + ", \"timeToFirstTokenMs\": "
                        + Json.number(s.timeToFirstTokenMs()) + ", \"totalMs\": " + Json.number(s.totalMs())
                        + ", \"tokensPerSecond\": " + Json.number(s.tokensPerSecond()) + ", \"finishReason\": "
                        + Json.string(s.finishReason().name()) + "}";
        return "    {\"id\": " + m.id() + ", \"role\": " + Json.string(m.role().wireName()) + ", \"content\": "
                + Json.string(m.content()) + ", \"created\": " + Json.string(m.created().toString())
                + ", \"complete\": " + m.complete() + ", \"stats\": " + stats + ", \"error\": "
                + Json.string(m.error()) + "}";
    }
}

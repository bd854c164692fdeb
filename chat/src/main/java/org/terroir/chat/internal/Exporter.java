package org.terroir.chat.internal;

import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import org.terroir.api.chat.AnswerStats;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.inference.Sampling;

/** Writes a conversation as Markdown (for people) or JSON (for programs; field names are stable). */
final class Exporter {
    /** Nulls written: the field names are stable for programs. */
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping()
            .create();
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
            for (org.terroir.api.chat.Citation cited : m.citations()) {
                String text = cited.text().replaceAll("\\s+", " ").strip();
                b.append("> [").append(cited.n()).append("] ").append(ConversationDocuments.where(cited)).append(" — ")
                        .append(text.length() > 200 ? text.substring(0, 199) + "…" : text).append("\n");
            }
            if (!m.citations().isEmpty()) {
                b.append("\n");
            }
            AnswerStats s = m.stats();
            if (s != null) {
                b.append("_").append(Messages.text(Messages.TEXTS, locale, "export.stats", s.generatedTokens(),
                        s.tokensPerSecond(), s.timeToFirstTokenMs() / 1000.0, s.model())).append("_\n\n");
            }
        }
        return b.toString();
    }

    /** The conversation as JSON, written by Gson (every field present, {@code null} when absent). */
    static String json(Conversation c, List<StoredMessage> messages) {
        JsonObject doc = new JsonObject();
        doc.addProperty("id", c.id());
        doc.addProperty("title", c.title());
        doc.addProperty("model", c.modelRef());
        doc.addProperty("preset", c.presetId());
        doc.addProperty("systemPrompt", c.systemPrompt());
        doc.add("sampling", sampling(c.sampling()));
        doc.addProperty("created", c.created().toString());
        doc.addProperty("updated", c.updated().toString());
        JsonArray list = new JsonArray();
        messages.forEach(m -> list.add(message(m)));
        doc.add("messages", list);
        return GSON.toJson(doc) + "\n";
    }

    /** A number, or null when it is not one (the speed of an empty answer): JSON has no NaN. */
    private static void number(JsonObject o, String name, double value) {
        if (Double.isFinite(value)) {
            o.addProperty(name, value);
        } else {
            o.add(name, JsonNull.INSTANCE);
        }
    }

    private static JsonObject sampling(Sampling s) {
        JsonObject o = new JsonObject();
        o.addProperty("maxTokens", s.maxTokens());
        number(o, "temperature", s.temperature());
        o.addProperty("topK", s.topK());
        number(o, "topP", s.topP());
        number(o, "minP", s.minP());
        number(o, "repeatPenalty", s.repeatPenalty());
        o.addProperty("seed", s.seed());
        JsonArray stop = new JsonArray();
        s.stop().forEach(stop::add);
        o.add("stop", stop);
        return o;
    }

    private static JsonObject message(StoredMessage m) {
        JsonObject o = new JsonObject();
        o.addProperty("id", m.id());
        o.addProperty("role", m.role().wireName());
        o.addProperty("content", m.content());
        o.addProperty("created", m.created().toString());
        o.addProperty("complete", m.complete());
        AnswerStats s = m.stats();
        if (s == null) {
            o.add("stats", JsonNull.INSTANCE);
        } else {
            JsonObject stats = new JsonObject();
            stats.addProperty("model", s.model());
            stats.addProperty("promptTokens", s.promptTokens());
            stats.addProperty("generatedTokens", s.generatedTokens());
            number(stats, "timeToFirstTokenMs", s.timeToFirstTokenMs());
            number(stats, "totalMs", s.totalMs());
            number(stats, "tokensPerSecond", s.tokensPerSecond());
            stats.addProperty("finishReason", s.finishReason().name());
            if (s.energy() != null) {
                JsonObject energy = new JsonObject();
                number(energy, "joules", s.energy().joules());
                energy.addProperty("method", s.energy().method().name().toLowerCase(java.util.Locale.ROOT));
                energy.addProperty("source", s.energy().source());
                stats.add("energy", energy);
            }
            o.add("stats", stats);
        }
        o.addProperty("error", m.error());
        com.google.gson.JsonArray citations = new com.google.gson.JsonArray();
        for (org.terroir.api.chat.Citation cited : m.citations()) {
            JsonObject c = new JsonObject();
            c.addProperty("n", cited.n());
            c.addProperty("document", cited.document());
            c.addProperty("page", cited.page());
            c.addProperty("section", cited.section());
            c.addProperty("text", cited.text());
            number(c, "score", cited.score());
            citations.add(c);
        }
        o.add("citations", citations);
        return o;
    }
}

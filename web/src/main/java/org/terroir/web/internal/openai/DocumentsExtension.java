package org.terroir.web.internal.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.terroir.api.chat.ChatDocuments;
import org.terroir.api.chat.Citation;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.ChatMessage.Role;
import org.terroir.api.inference.LoadedModel;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Terroir's extension of {@code /v1/chat/completions}: {@code "terroir_collection": "<name>"} sends the question
 * with the passages of that collection closest to the last user message, numbered {@code [1]}… in a system
 * message that asks the model to cite them; the answer carries them in {@code terroir_citations}.
 */
final class DocumentsExtension {
    /** Passages asked for; as many as leave half the context to the conversation and answer are kept. */
    static final int PASSAGES = 4;

    private DocumentsExtension() {
    }

    /** The collection named in the body, or null. */
    static String collection(JsonObject body) {
        JsonElement e = body.get("terroir_collection");
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isBlank()) {
            throw ApiError.badRequest("invalid_type", "terroir_collection",
                    Texts.get("error.field.type", "terroir_collection", "string"));
        }
        return e.getAsString().strip();
    }

    /** The messages with the passages in front, and the passages kept. */
    record Grounded(List<ChatMessage> messages, List<Citation> citations) {
    }

    /**
     * The messages with as many of the best passages as leave room for the answer ({@code maxTokens}, at most half
     * the context); when not even the best one fits whole, its beginning.
     */
    static Grounded ground(ChatDocuments docs, String collection, List<ChatMessage> messages, LoadedModel model,
            Integer maxTokens, Locale locale) {
        if (docs == null) {
            throw new ApiError(503, "server_error", "service_unavailable", "terroir_collection",
                    Texts.get("error.service.missing", "chat (documents)"));
        }
        String question = null;
        for (ChatMessage m : messages) {
            if (m.role() == Role.USER && m.content() != null && !m.content().isBlank()) {
                question = m.content();
            }
        }
        if (question == null) {
            return new Grounded(messages, List.of());
        }
        List<Citation> citations = new ArrayList<>(docs.passages(collection, question, PASSAGES));
        int ctx = model.contextLength();
        int limit = ctx - Math.min(maxTokens == null ? ctx / 4 : maxTokens, ctx / 2);
        while (citations.size() > 1 && OpenAiServlet.promptTokens(model, with(messages, citations, locale), null) > limit) {
            citations.remove(citations.size() - 1);
        }
        if (citations.size() == 1 && OpenAiServlet.promptTokens(model, with(messages, citations, locale), null) > limit) {
            Citation c = citations.get(0);
            String[] words = c.text().split("\\s+");
            int lo = 0;
            int hi = words.length;
            while (lo < hi) {
                int mid = (lo + hi + 1) / 2;
                List<Citation> cut = List.of(cut(c, words, mid));
                if (OpenAiServlet.promptTokens(model, with(messages, cut, locale), null) <= limit) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            citations = lo == 0 ? new ArrayList<>() : new ArrayList<>(List.of(cut(c, words, lo)));
        }
        return new Grounded(with(messages, citations, locale), List.copyOf(citations));
    }

    private static Citation cut(Citation c, String[] words, int n) {
        return new Citation(c.n(), c.document(), c.page(), c.section(),
                String.join(" ", java.util.Arrays.copyOf(words, n)) + " …", c.score());
    }

    private static List<ChatMessage> with(List<ChatMessage> messages, List<Citation> citations, Locale locale) {
        if (citations.isEmpty()) {
            return messages;
        }
        StringBuilder b = new StringBuilder(Texts.get(locale, "documents.instruction"));
        for (Citation c : citations) {
            b.append("\n\n[").append(c.n()).append("] ").append(where(c)).append('\n').append(c.text());
        }
        List<ChatMessage> out = new ArrayList<>();
        if (!messages.isEmpty() && messages.get(0).role() == Role.SYSTEM) {
            out.add(ChatMessage.system(messages.get(0).content() + "\n\n" + b));
            out.addAll(messages.subList(1, messages.size()));
        } else {
            out.add(ChatMessage.system(b.toString()));
            out.addAll(messages);
        }
        return out;
    }

    static String where(Citation c) {
        return new org.terroir.api.documents.Passage(c.document(), c.page(), c.section(), "").citation();
    }

    /** {@code terroir_citations}: n, document, page (null when none), section (null when none), text, score. */
    static JsonArray json(List<Citation> citations) {
        JsonArray a = new JsonArray();
        for (Citation c : citations) {
            JsonObject o = new JsonObject();
            o.addProperty("n", c.n());
            o.addProperty("document", c.document());
            if (c.page() > 0) {
                o.addProperty("page", c.page());
            } else {
                o.add("page", com.google.gson.JsonNull.INSTANCE);
            }
            if (!c.section().isEmpty()) {
                o.addProperty("section", c.section());
            } else {
                o.add("section", com.google.gson.JsonNull.INSTANCE);
            }
            o.addProperty("text", c.text());
            o.addProperty("score", c.score());
            a.add(o);
        }
        return a;
    }
}

package org.terroir.shell.internal.chat;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.StoredMessage;

/** Prints conversations and their messages for people. */
final class Transcript {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private Transcript() {
    }

    static void header(PrintWriter out, Conversation c) {
        out.println(ChatTexts.get("conversation.header", c.id(), c.title(),
                c.modelRef() == null ? ChatTexts.get("model.current") : c.modelRef(),
                c.presetId() == null ? "-" : c.presetId()));
    }

    static void messages(PrintWriter out, Conversation c, List<StoredMessage> messages,
            org.terroir.api.energy.CarbonCalculator carbon) {
        header(out, c);
        if (c.systemPrompt() != null && !c.systemPrompt().isBlank()) {
            out.println(ChatTexts.get("role.system") + " " + c.systemPrompt());
        }
        if (messages.isEmpty()) {
            out.println(ChatTexts.get("history.empty"));
        }
        for (StoredMessage m : messages) {
            out.println();
            out.println(ChatTexts.get("role." + m.role().wireName()) + " " + m.content());
            if (!m.complete()) {
                out.println(ChatTexts.get("history.incomplete"));
            } else if (m.stats() != null) {
                out.println(ChatTexts.statsLine(m.stats(), carbon));
            }
        }
        out.flush();
    }

    static void list(PrintWriter out, List<Conversation> conversations) {
        if (conversations.isEmpty()) {
            out.println(ChatTexts.get("conversations.none"));
            out.flush();
            return;
        }
        out.println(ChatTexts.get("conversations.header"));
        for (Conversation c : conversations) {
            String model = c.modelRef() == null ? "-" : shortName(c.modelRef());
            out.printf("  %-9s %-16s %-24s %5d  %s%n", c.id(), WHEN.format(c.updated()), cut(model, 24),
                    c.messageCount(), c.title());
        }
        out.flush();
    }

    private static String shortName(String ref) {
        int slash = Math.max(ref.lastIndexOf('/'), ref.lastIndexOf('\\'));
        return slash >= 0 && slash < ref.length() - 1 ? ref.substring(slash + 1) : ref;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}

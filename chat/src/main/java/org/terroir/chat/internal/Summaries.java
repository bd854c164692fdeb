package org.terroir.chat.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

import org.terroir.api.documents.Passage;

/** Cuts a document into parts that each fit a summary prompt, and joins the parts' summaries for the last one. */
final class Summaries {
    private Summaries() {
    }

    /** The document's passages, in order, put together into texts of at most {@code room} tokens each. */
    static List<String> parts(List<Passage> passages, int room, ToIntFunction<String> count) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int used = 0;
        for (Passage p : passages) {
            String text = p.section().isEmpty() || p.text().startsWith(p.section()) ? p.text()
                    : p.section() + "\n" + p.text();
            int cost = count.applyAsInt(text) + 1;
            if (cost > room) {
                text = fit(text, room, count);
                cost = room;
            }
            if (used > 0 && used + cost > room) {
                out.add(current.toString());
                current.setLength(0);
                used = 0;
            }
            if (used > 0) {
                current.append("\n\n");
            }
            current.append(text);
            used += cost;
        }
        if (used > 0) {
            out.add(current.toString());
        }
        return out;
    }

    /** The parts' summaries, numbered, each cut so that together they fit {@code room} tokens. */
    static String combined(List<String> summaries, int room, ToIntFunction<String> count) {
        int each = Math.max(8, room / Math.max(1, summaries.size()) - 4);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < summaries.size(); i++) {
            String s = summaries.get(i);
            if (count.applyAsInt(s) > each) {
                s = fit(s, each, count);
            }
            if (b.length() > 0) {
                b.append("\n\n");
            }
            b.append(i + 1).append(". ").append(s);
        }
        return b.toString();
    }

    /** The beginning of {@code text} that fits {@code room} tokens, cut at a word. */
    static String fit(String text, int room, ToIntFunction<String> count) {
        String[] words = text.split("\\s+");
        int lo = 0;
        int hi = words.length;
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (count.applyAsInt(String.join(" ", Arrays.copyOf(words, mid))) <= room) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return String.join(" ", Arrays.copyOf(words, Math.max(1, lo)));
    }
}

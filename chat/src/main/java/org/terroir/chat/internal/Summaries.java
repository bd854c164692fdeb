package org.terroir.chat.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

import org.terroir.api.documents.Passage;

/**
 * Cuts a document into parts that each fit a summary prompt, and joins the parts' summaries for the last one.
 *
 * <p>Every text handed back is measured whole with {@code count}: a tokenizer does not add up (a separator, a
 * section header or two pieces meeting can cost tokens that the pieces alone do not), so the sum of the pieces'
 * counts is never trusted.
 */
final class Summaries {
    private Summaries() {
    }

    /** The document's passages, in order, put together into texts of at most {@code room} tokens each. */
    static List<String> parts(List<Passage> passages, int room, ToIntFunction<String> count) {
        List<String> out = new ArrayList<>();
        String current = "";
        for (Passage p : passages) {
            String text = p.section().isEmpty() || p.text().startsWith(p.section()) ? p.text()
                    : p.section() + "\n" + p.text();
            if (text.isBlank()) {
                continue;
            }
            if (count.applyAsInt(text) > room) {
                text = fit(text, room, count);
            }
            if (current.isEmpty()) {
                current = text;
                continue;
            }
            String joined = current + "\n\n" + text;
            if (count.applyAsInt(joined) > room) {
                out.add(current);
                current = text;
            } else {
                current = joined;
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** The parts' summaries, numbered, each cut so that together they fit {@code room} tokens. */
    static String combined(List<String> summaries, int room, ToIntFunction<String> count) {
        int each = Math.max(1, room / Math.max(1, summaries.size()));
        String joined = join(summaries, each, count);
        // the numbers and separators cost tokens too: shrink the share of each until the whole fits
        for (int tries = 0; tries < 8 && each > 1; tries++) {
            int total = count.applyAsInt(joined);
            if (total <= room) {
                return joined;
            }
            each = Math.max(1, (int) ((long) each * room / total) - 1);
            joined = join(summaries, each, count);
        }
        return count.applyAsInt(joined) <= room ? joined : fit(joined, room, count);
    }

    private static String join(List<String> summaries, int each, ToIntFunction<String> count) {
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

    /**
     * The longest beginning of {@code text} that fits {@code room} tokens, cut at a word; where even the first word
     * does not fit (a text without spaces), cut between characters instead. May be empty when nothing fits.
     */
    static String fit(String text, int room, ToIntFunction<String> count) {
        String[] words = text.strip().split("\\s+");
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
        if (lo > 0) {
            return String.join(" ", Arrays.copyOf(words, lo));
        }
        String first = words.length == 0 ? "" : words[0];
        int[] points = first.codePoints().toArray();
        int a = 0;
        int b = points.length;
        while (a < b) {
            int mid = (a + b + 1) / 2;
            if (count.applyAsInt(new String(points, 0, mid)) <= room) {
                a = mid;
            } else {
                b = mid - 1;
            }
        }
        return new String(points, 0, a);
    }
}

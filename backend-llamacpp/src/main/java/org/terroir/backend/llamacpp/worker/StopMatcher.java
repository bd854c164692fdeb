package org.terroir.backend.llamacpp.worker;

import java.util.List;

/**
 * Finds stop strings in streamed text in time linear in the text: it holds back only the tail that could still
 * become a stop string (shorter than the longest one) and searches each new piece together with that tail.
 */
final class StopMatcher {
    private final List<String> stops;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.longest = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds generated text; returns what can be shown now (the text before a stop string, when one appears). */
    String accept(String piece) {
        if (stopped) {
            return "";
        }
        if (longest == 0) {
            return piece;
        }
        held.append(piece);
        int first = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        if (first >= 0) {
            stopped = true;
            String shown = held.substring(0, first);
            held.setLength(0);
            return shown;
        }
        int keep = partialSuffix();
        String shown = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return shown;
    }

    boolean stopped() {
        return stopped;
    }

    /** The held-back text, once generation ended without a stop string. */
    String flush() {
        String rest = stopped ? "" : held.toString();
        held.setLength(0);
        return rest;
    }

    private boolean startsWithTail(int from, String stop, int k) {
        for (int i = 0; i < k; i++) {
            if (held.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Length of the longest tail of {@code held} that begins some stop string. */
    private int partialSuffix() {
        int max = Math.min(held.length(), longest - 1);
        for (int k = max; k > 0; k--) {
            int from = held.length() - k;
            for (String stop : stops) {
                if (stop.length() > k && startsWithTail(from, stop, k)) {
                    return k;
                }
            }
        }
        return 0;
    }
}

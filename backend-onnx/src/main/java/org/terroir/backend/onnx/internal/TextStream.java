package org.terroir.backend.onnx.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.terroir.api.inference.TokenListener;

/**
 * Turns generated token ids into streamed text. Decoding the whole answer each time (rather than token by
 * token) keeps the spaces and multi-byte characters a tokenizer only produces in context; text that could be
 * the start of a stop string is held back until it is known not to be one.
 */
final class TextStream {
    private final Function<long[], String> decoder;
    private final List<String> stops;
    private final TokenListener listener;
    private final List<Long> ids = new ArrayList<>();
    private String text = "";
    private int emitted;
    private boolean stopped;

    TextStream(Function<long[], String> decoder, List<String> stops, TokenListener listener) {
        this.decoder = decoder;
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.listener = listener;
    }

    /** Adds a token; returns true when a stop string has appeared (the text then ends before it). */
    boolean add(long id) {
        ids.add(id);
        String decoded = decoder.apply(ids.stream().mapToLong(Long::longValue).toArray());
        if (decoded.endsWith("\uFFFD")) {
            return false; // an incomplete UTF-8 character: wait for the next token
        }
        text = decoded;
        int from = Math.max(0, Math.min(emitted, text.length()) - longestStop());
        for (String stop : stops) {
            int at = text.indexOf(stop, from);
            if (at >= 0) {
                text = text.substring(0, at);
                stopped = true;
            }
        }
        int safe = stopped ? text.length() : text.length() - heldBack();
        emit(safe);
        return stopped;
    }

    /** Sends what was held back; the generation is over. */
    void flush() {
        emit(text.length());
    }

    String text() {
        return text;
    }

    private void emit(int upTo) {
        if (upTo > emitted && upTo <= text.length()) {
            listener.onToken(text.substring(emitted, upTo));
            emitted = upTo;
        }
    }

    private int longestStop() {
        return stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Length of the longest end of the text that begins some stop string. */
    private int heldBack() {
        int held = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, text.length()); n > held; n--) {
                if (text.endsWith(stop.substring(0, n))) {
                    held = n;
                    break;
                }
            }
        }
        return held;
    }
}

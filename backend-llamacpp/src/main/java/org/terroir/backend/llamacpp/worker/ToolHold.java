package org.terroir.backend.llamacpp.worker;

import java.util.List;
import org.terroir.template.tools.ToolCallParser;
import org.terroir.template.tools.ToolCallParser.Format;

/**
 * Holds back the streamed text that spells a tool call: from the family's marker on (or, for Llama 3, an answer
 * that opens with a JSON object), nothing more is streamed; a tail that could be the start of a marker waits for
 * the next piece. At the end the held text is parsed: its calls go out as calls, whatever is not a call (a broken
 * one included) as text.
 */
final class ToolHold {
    private final Format format;
    private final List<String> markers;
    private final StringBuilder pending = new StringBuilder();
    private boolean holding;
    private boolean emitted;

    ToolHold(Format format) {
        this.format = format;
        this.markers = switch (format) {
            case HERMES -> List.of("<tool_call>");
            case LLAMA3 -> List.of("<|python_tag|>");
            case MISTRAL -> List.of("[TOOL_CALLS]");
            case GRANITE -> List.of("<|tool_call|>");
            case HARMONY -> List.of("<|channel|>", "<|start|>");
            default -> List.of();
        };
    }

    /** The part of {@code text} that may be streamed now. */
    String accept(String text) {
        if (holding) {
            pending.append(text);
            return "";
        }
        pending.append(text);
        String p = pending.toString();
        if (!emitted && format == Format.LLAMA3 && p.strip().startsWith("{")) {
            holding = true;
            return "";
        }
        int first = -1;
        for (String marker : markers) {
            int at = p.indexOf(marker);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        if (first >= 0) {
            holding = true;
            pending.delete(0, first);
            return out(p.substring(0, first));
        }
        int keep = 0;
        for (String marker : markers) {
            for (int n = Math.min(marker.length() - 1, p.length()); n > keep; n--) {
                if (p.endsWith(marker.substring(0, n))) {
                    keep = n;
                    break;
                }
            }
        }
        if (!emitted && format == Format.LLAMA3 && p.isBlank()) {
            keep = p.length();
        }
        pending.delete(0, p.length() - keep);
        return out(p.substring(0, p.length() - keep));
    }

    private String out(String text) {
        if (!text.isEmpty()) {
            emitted = true;
        }
        return text;
    }

    /** At the end: the held text parsed (content is what is still to stream). */
    ToolCallParser.Parsed finish() {
        String rest = pending.toString();
        pending.setLength(0);
        if (!holding) {
            return new ToolCallParser.Parsed(rest, List.of());
        }
        return ToolCallParser.parse(format, rest);
    }
}

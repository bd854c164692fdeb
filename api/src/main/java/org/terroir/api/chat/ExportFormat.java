package org.terroir.api.chat;

import java.util.Locale;

/** Formats a conversation can be exported to. */
public enum ExportFormat {
    MARKDOWN("md"), JSON("json");

    private final String extension;

    ExportFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** {@code md}, {@code markdown} or {@code json}, any case; null when unknown. */
    public static ExportFormat parse(String text) {
        return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
            case "md", "markdown" -> MARKDOWN;
            case "json" -> JSON;
            default -> null;
        };
    }
}

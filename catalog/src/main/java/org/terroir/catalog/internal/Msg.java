package org.terroir.catalog.internal;

import java.util.Locale;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.i18n.Texts;

/** The catalog bundle's texts (messages.properties / messages_fr.properties beside this class). */
public final class Msg {
    public static final Texts TEXTS = Texts.of("org.terroir.catalog.internal.messages", Msg.class);

    private Msg() {
    }

    public static String text(String key, Object... args) {
        return TEXTS.get(key, args);
    }

    /**
     * The kind of each error this bundle raises (the typed contract front ends map; see {@link ErrorKind}), in one
     * table; a key not named here is {@link ErrorKind#INTERNAL}.
     */
    static final java.util.Map<String, ErrorKind> KINDS = java.util.Map.ofEntries(
            java.util.Map.entry("download.cancelled", ErrorKind.INTERNAL),
            java.util.Map.entry("download.checksum", ErrorKind.INVALID_MODEL),
            java.util.Map.entry("download.size-mismatch", ErrorKind.INVALID_MODEL),
            java.util.Map.entry("download.disk-full", ErrorKind.INTERNAL),
            java.util.Map.entry("download.no-space", ErrorKind.INTERNAL),
            java.util.Map.entry("download.failed", ErrorKind.BACKEND_GONE),
            java.util.Map.entry("download.gave-up", ErrorKind.BACKEND_GONE),
            java.util.Map.entry("download.timeout", ErrorKind.TIMEOUT),
            java.util.Map.entry("download.too-long", ErrorKind.TIMEOUT),
            java.util.Map.entry("hub.bad-cursor", ErrorKind.BAD_REQUEST),
            java.util.Map.entry("hub.bad-repo", ErrorKind.BAD_REQUEST),
            java.util.Map.entry("hub.bad-file", ErrorKind.BAD_REQUEST),
            java.util.Map.entry("hub.bad-json", ErrorKind.BACKEND_GONE),
            java.util.Map.entry("hub.disabled", ErrorKind.UNSUPPORTED),
            java.util.Map.entry("hub.entry-not-found", ErrorKind.NOT_FOUND),
            java.util.Map.entry("hub.not-found", ErrorKind.NOT_FOUND),
            java.util.Map.entry("hub.repo-not-found", ErrorKind.NOT_FOUND),
            java.util.Map.entry("hub.repo-not-found-no-token", ErrorKind.NOT_FOUND),
            java.util.Map.entry("hub.revision-not-found", ErrorKind.NOT_FOUND),
            java.util.Map.entry("hub.forbidden", ErrorKind.UNAUTHORIZED),
            java.util.Map.entry("hub.gated", ErrorKind.UNAUTHORIZED),
            java.util.Map.entry("hub.gated-not-accepted", ErrorKind.UNAUTHORIZED),
            java.util.Map.entry("hub.token-rejected", ErrorKind.UNAUTHORIZED),
            java.util.Map.entry("hub.unauthorized", ErrorKind.UNAUTHORIZED),
            java.util.Map.entry("hub.rate-limited", ErrorKind.BUSY),
            java.util.Map.entry("hub.server-error", ErrorKind.BACKEND_GONE),
            java.util.Map.entry("hub.http-error", ErrorKind.BACKEND_GONE),
            java.util.Map.entry("hub.unreachable", ErrorKind.BACKEND_GONE),
            java.util.Map.entry("hub.too-many-redirects", ErrorKind.BACKEND_GONE),
            java.util.Map.entry("hub.interrupted", ErrorKind.INTERNAL),
            java.util.Map.entry("library.bad-name", ErrorKind.BAD_REQUEST),
            java.util.Map.entry("library.import-exists", ErrorKind.BAD_REQUEST),
            java.util.Map.entry("library.import-missing", ErrorKind.NOT_FOUND),
            java.util.Map.entry("library.import-unsupported", ErrorKind.UNSUPPORTED),
            java.util.Map.entry("library.import-failed", ErrorKind.INTERNAL),
            java.util.Map.entry("library.io", ErrorKind.INTERNAL),
            java.util.Map.entry("library.remove-external", ErrorKind.BAD_REQUEST),
            java.util.Map.entry("starter.unknown", ErrorKind.NOT_FOUND));

    static ErrorKind kind(String key) {
        return KINDS.getOrDefault(key, ErrorKind.INTERNAL);
    }

    /** A TerroirException whose code is {@code key}, its kind from {@link #KINDS}, its message the text of key. */
    public static TerroirException error(String key, Object... args) {
        return new TerroirException(kind(key), key, TEXTS.get(key, args));
    }

    public static TerroirException error(Throwable cause, String key, Object... args) {
        return new TerroirException(kind(key), key, TEXTS.get(key, args), cause);
    }

    /** Sizes as people read them: 1.2 GB, 340 MB (decimal units, like the Hub shows them). */
    public static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        // The page's convention: decimal units, written as each language writes them (Go in French, GB in English).
        boolean fr = Texts.locale().getLanguage().equals("fr");
        if (bytes < 1000) {
            return bytes + (fr ? " o" : " B");
        }
        String[] units = fr ? new String[] {"ko", "Mo", "Go", "To"} : new String[] {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Texts.locale(), v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static Locale locale() {
        return Texts.locale();
    }
}

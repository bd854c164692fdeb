package org.terroir.web.internal;

import java.util.Locale;

import javax.servlet.http.HttpServletRequest;

/** The web bundle's texts (English and French). */
public final class Texts {
    private static final org.terroir.api.i18n.Texts TEXTS = org.terroir.api.i18n.Texts
            .of("org.terroir.web.internal.messages", Texts.class);

    private Texts() {
    }

    public static String get(String key, Object... args) {
        return TEXTS.get(key, args);
    }

    public static String get(Locale locale, String key, Object... args) {
        return TEXTS.get(locale, key, args);
    }

    /**
     * The reader's language: {@code ?lang=fr|en} (the page sends it), else the first language of
     * {@code Accept-Language}, else the platform's ({@code TERROIR_LANG}).
     */
    public static Locale of(HttpServletRequest request) {
        // From the query string only: reading parameters could read (and use up) a form body.
        String lang = null;
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("lang=")) {
                    lang = pair.substring(5);
                }
            }
        }
        if (lang == null || lang.isBlank()) {
            String accept = request.getHeader("Accept-Language");
            lang = accept == null ? null : accept.strip();
        }
        if (lang == null || lang.isBlank()) {
            return org.terroir.api.i18n.Texts.locale();
        }
        return lang.toLowerCase(Locale.ROOT).startsWith("fr") ? Locale.FRENCH : Locale.ENGLISH;
    }

    public static org.terroir.api.i18n.Texts all() {
        return TEXTS;
    }
}

package org.terroir.web.internal;

/** The web bundle's texts (English and French). */
public final class Texts {
    private static final org.terroir.api.i18n.Texts TEXTS = org.terroir.api.i18n.Texts
            .of("org.terroir.web.internal.messages", Texts.class);

    private Texts() {
    }

    public static String get(String key, Object... args) {
        return TEXTS.get(key, args);
    }

    public static org.terroir.api.i18n.Texts all() {
        return TEXTS;
    }
}

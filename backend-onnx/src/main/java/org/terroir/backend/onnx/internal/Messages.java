package org.terroir.backend.onnx.internal;

import org.terroir.api.i18n.Texts;

/** The backend's texts, English and French. */
final class Messages {
    static final Texts TEXTS = Texts.of("org.terroir.backend.onnx.internal.messages", Messages.class);

    private Messages() {
    }

    static String get(String key, Object... args) {
        return TEXTS.get(key, args);
    }
}

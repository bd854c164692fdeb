package org.terroir.backend.llamacpp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MessagesTest {

    @Test
    void englishAndFrenchHaveTheSameKeys() {
        Set<String> english = Messages.TEXTS.bundle(Locale.ENGLISH).keySet();
        Set<String> french = Messages.TEXTS.bundle(Locale.FRENCH).keySet();
        assertFalse(english.isEmpty());
        assertEquals(english, french);
    }

    @Test
    void frenchTextsFormatApostrophes() {
        String text = Messages.TEXTS.get(Locale.FRENCH, "worker.prompt.too.long", "900", "512");
        assertEquals("L'invite fait 900 jetons et ne tient pas dans la fenêtre de contexte de 512 jetons.", text);
    }
}

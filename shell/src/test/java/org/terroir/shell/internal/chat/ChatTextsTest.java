package org.terroir.shell.internal.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.terroir.api.inference.FinishReason;

/** Every chat text of the shell exists in English and in French. */
class ChatTextsTest {
    @Test
    void bothLanguagesHaveTheSameKeys() {
        Set<String> en = new TreeSet<>(ChatTexts.TEXTS.bundle(Locale.ENGLISH).keySet());
        Set<String> fr = new TreeSet<>(ChatTexts.TEXTS.bundle(Locale.FRENCH).keySet());
        assertFalse(en.isEmpty());
        Set<String> missingFr = new TreeSet<>(en);
        missingFr.removeAll(fr);
        Set<String> missingEn = new TreeSet<>(fr);
        missingEn.removeAll(en);
        assertEquals(Set.of(), missingFr, "keys missing in French");
        assertEquals(Set.of(), missingEn, "keys missing in English");
    }

    @Test
    void noTextShowsDoubledQuotes() {
        for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH)) {
            for (String key : ChatTexts.TEXTS.bundle(locale).keySet()) {
                String text = ChatTexts.TEXTS.get(locale, key, "x", 1, 2, 3, "y");
                assertFalse(text.contains("''"), key + ": " + text);
            }
        }
        assertTrue(ChatTexts.get(Locale.FRENCH, "conversations.none").contains("l'instant"));
    }

    @Test
    void everyFinishReasonHasAText() {
        for (FinishReason r : FinishReason.values()) {
            String key = "finish." + r.name().toLowerCase(Locale.ROOT);
            assertFalse(ChatTexts.TEXTS.get(Locale.ENGLISH, key).equals(key), key);
            assertFalse(ChatTexts.TEXTS.get(Locale.FRENCH, key).equals(key), key);
        }
    }
}

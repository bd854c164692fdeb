package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.terroir.api.chat.Preset;
import org.terroir.api.i18n.Texts;

/** Every text exists in English and in French. */
class TextsTest {

    private static void sameKeys(Texts texts) {
        Set<String> en = new TreeSet<>(texts.bundle(Locale.ENGLISH).keySet());
        Set<String> fr = new TreeSet<>(texts.bundle(Locale.FRENCH).keySet());
        assertFalse(en.isEmpty());
        Set<String> missingFr = new TreeSet<>(en);
        missingFr.removeAll(fr);
        Set<String> missingEn = new TreeSet<>(fr);
        missingEn.removeAll(en);
        assertEquals(Set.of(), missingFr, "keys missing in French");
        assertEquals(Set.of(), missingEn, "keys missing in English");
    }

    @Test
    void messagesHaveBothLanguages() {
        sameKeys(Messages.TEXTS);
    }

    @Test
    void presetsHaveBothLanguages() {
        sameKeys(Presets.TEXTS);
        for (String id : Presets.IDS) {
            for (String part : new String[] {".name", ".description", ".system"}) {
                assertNotEquals(id + part, Presets.TEXTS.get(Locale.ENGLISH, id + part), "missing " + id + part);
            }
        }
    }

    @Test
    void noTextShowsDoubledQuotes() {
        for (Texts texts : List.of(Messages.TEXTS, Presets.TEXTS)) {
            for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH)) {
                for (String key : texts.bundle(locale).keySet()) {
                    String text = Messages.text(texts, locale, key, "x", 1, 2, 3);
                    assertFalse(text.contains("''"), key + ": " + text);
                }
            }
        }
        assertTrue(Presets.all(Locale.FRENCH).get(1).systemPrompt().contains("l'utilisateur"));
        assertTrue(Messages.text(Messages.TEXTS, Locale.FRENCH, "chat.runtime.missing").contains("n'est"));
    }

    @Test
    void presetsAreTranslated() {
        var en = Presets.all(Locale.ENGLISH);
        var fr = Presets.all(Locale.FRENCH);
        assertEquals(6, en.size());
        for (int i = 0; i < en.size(); i++) {
            Preset e = en.get(i);
            Preset f = fr.get(i);
            assertEquals(e.id(), f.id());
            assertNotEquals(e.systemPrompt(), f.systemPrompt(), e.id());
        }
    }
}

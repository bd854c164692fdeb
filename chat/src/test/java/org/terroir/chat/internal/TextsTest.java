package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.terroir.testkit.i18n.BundleParity;
import org.terroir.api.chat.Preset;
import org.terroir.api.i18n.Texts;

/** Every text exists in English and in French. */
class TextsTest {

    @Test
    void messagesHaveBothLanguages() {
        BundleParity.check(Messages.class, "org.terroir.chat.internal.messages");
    }

    @Test
    void presetsHaveBothLanguages() {
        BundleParity.check(Presets.class, "org.terroir.chat.internal.presets");
        for (String id : Presets.IDS) {
            for (String part : Presets.PARTS) {
                for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH)) {
                    String key = id + "." + part;
                    String text = Presets.TEXTS.get(locale, key);
                    assertNotEquals(key, text, "missing " + key + " in " + locale);
                    assertFalse(text.isBlank(), key + " in " + locale);
                }
            }
            assertNotEquals("category." + Presets.CATEGORY.get(id),
                    Presets.TEXTS.get(Locale.FRENCH, "category." + Presets.CATEGORY.get(id)), id);
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
        assertEquals(16, en.size());
        assertEquals(Presets.IDS.size(), new java.util.HashSet<>(Presets.IDS).size(), "ids are unique");
        for (int i = 0; i < en.size(); i++) {
            Preset e = en.get(i);
            Preset f = fr.get(i);
            assertEquals(e.id(), f.id());
            assertNotEquals(e.systemPrompt(), f.systemPrompt(), e.id());
            assertFalse(e.category().isBlank() || f.category().isBlank(), e.id());
            assertFalse(e.example().isBlank() || f.example().isBlank(), e.id());
        }
    }

    @Test
    void theActivistPresetsAreThereAndShortEnoughForSmallModels() {
        List<String> activist = List.of("minutes", "press-release", "leaflet", "arguments", "report-summary",
                "tone-translation", "proofreading", "email-reply", "social-post", "plain-language");
        for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH)) {
            for (String id : activist) {
                Preset p = Presets.find(id, locale).orElseThrow(() -> new AssertionError(id));
                // a small model loses the thread of a long system prompt: one paragraph of explicit steps
                assertTrue(p.systemPrompt().length() < 900, id + " " + locale + ": " + p.systemPrompt().length());
                assertFalse(p.systemPrompt().contains("{") || p.systemPrompt().contains("''"), id);
            }
        }
        assertTrue(Presets.find("plain-language", Locale.FRENCH).orElseThrow().name().contains("FALC"));
        assertTrue(Presets.find("minutes", Locale.FRENCH).orElseThrow().example().contains("\n- hausse"));
    }
}

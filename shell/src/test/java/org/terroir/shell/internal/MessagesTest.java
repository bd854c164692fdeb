package org.terroir.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void everyTextExistsInFrenchAndEnglish() {
        Set<String> en = new TreeSet<>(ShellTexts.TEXTS.bundle(Locale.ENGLISH).keySet());
        Set<String> fr = new TreeSet<>(ShellTexts.TEXTS.bundle(Locale.FRENCH).keySet());
        assertFalse(en.isEmpty());
        assertEquals(en, fr);
    }

    @Test
    void frenchTextsAreFrench() {
        assertEquals("Aucun modèle chargé. Chargez-en un : load <fichier.gguf>",
                ShellTexts.TEXTS.get(Locale.FRENCH, "ps.none"));
    }

    @Test
    void theWelcomeNamesWhatABeginnerTypesInBothLanguages() {
        for (Locale locale : new Locale[] {Locale.ENGLISH, Locale.FRENCH}) {
            String welcome = ShellTexts.TEXTS.get(locale, "welcome");
            for (String command : new String[] {"hw", "search", "pull", "models", "import", "chat", "serve", "help"}) {
                assertTrue(welcome.matches("(?s).*\\b" + command + "\\b.*"), locale + ": " + command + " in " + welcome);
            }
        }
    }

    @Test
    void sizesReadLikeADiskDoes() {
        assertEquals("999 B", Sizes.human(999, Locale.ENGLISH));
        assertEquals("1.50 KB", Sizes.human(1500, Locale.ENGLISH));
        assertEquals("4.07 GB", Sizes.human(4_070_000_000L, Locale.ENGLISH));
        assertEquals("999 o", Sizes.human(999, Locale.FRENCH));
        assertEquals("4,07 Go", Sizes.human(4_070_000_000L, Locale.FRENCH));
        assertEquals("25,3 Go", Sizes.human(25_300_000_000L, Locale.CANADA_FRENCH));
        assertEquals("1.24B", Sizes.count(1_235_814_400L));
    }
}

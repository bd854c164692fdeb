package org.terroir.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

class MessagesTest {
    /**
     * Every bundle of the shell, in both languages, with the same placeholders (testkit's one parity check). The
     * options' usage texts are the exception: English in the commands' annotations, French in usage_fr.properties
     * (UsageTextsTest).
     */
    @Test
    void everyTextExistsInFrenchAndEnglish() {
        org.terroir.testkit.i18n.BundleParity.check(ShellTexts.class, "org.terroir.shell.internal.messages",
                "org.terroir.shell.internal.catalog.messages",
                "org.terroir.shell.internal.chat.messages", "org.terroir.shell.internal.documents.messages",
                "org.terroir.shell.internal.energy.messages", "org.terroir.shell.internal.hardware.messages",
                "org.terroir.shell.internal.preset.messages", "org.terroir.shell.internal.web.messages");
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

package org.terroir.gguf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.ResourceBundle;

import org.junit.jupiter.api.Test;
import org.terroir.testkit.i18n.BundleParity;

class MessagesTest {

    @Test
    void bothLanguagesHaveTheSameKeysAndFormat() {
        BundleParity.check(Messages.class, Messages.BASE_NAME);
        assertTrue(Messages.texts().bundle(Locale.ENGLISH).keySet().size() > 40);
    }

    @Test
    void textsWithoutArgumentsLoseTheirDoubledQuotesToo() {
        for (Locale locale : new Locale[] {Locale.ENGLISH, Locale.FRENCH}) {
            ResourceBundle bundle = Messages.texts().bundle(locale);
            for (String key : bundle.keySet()) {
                if (bundle.getString(key).contains("{")) {
                    continue;
                }
                String text = Messages.text(locale, key);
                assertFalse(text.contains("''"), locale + " " + key + ": " + text);
            }
        }
        assertEquals("l'en-tête", Messages.text(Locale.FRENCH, "where.header"));
    }

    @Test
    void fileContentIsShownSafely() {
        assertEquals("a\\nb\\u001B[31m", Messages.printable("a\nb\u001B[31m"));
        assertEquals("plain ▁token", Messages.printable("plain ▁token"));
        String shown = Messages.printable("x".repeat(1_000_000));
        assertEquals(Messages.MAX_QUOTED + 1, shown.length());
        assertTrue(shown.endsWith("…"));
        assertEquals("x".repeat(Messages.MAX_QUOTED), Messages.printable("x".repeat(Messages.MAX_QUOTED)));
    }

    @Test
    void humanSizes() {
        assertEquals("999 B", Messages.human(Locale.ENGLISH, 999));
        assertEquals("1.0 KB", Messages.human(Locale.ENGLISH, 1000));
        assertEquals("1.2 GB", Messages.human(Locale.ENGLISH, 1_200_000_000L));
        assertEquals("950.0 MB", Messages.human(Locale.ENGLISH, 949_999_999L));
        assertEquals("1.0 MB", Messages.human(Locale.ENGLISH, 999_999));
        assertEquals("1,2 Go", Messages.human(Locale.FRENCH, 1_200_000_000L));
        assertEquals("512 o", Messages.human(Locale.FRENCH, 512));
        assertEquals("9.2 EB", Messages.human(Locale.ENGLISH, Long.MAX_VALUE));
    }

    @Test
    void quantizationLabels() {
        assertEquals("Q4_K_M", FileTypes.label(15).orElseThrow());
        assertEquals("F32", FileTypes.label(0).orElseThrow());
        assertEquals("MXFP4_MOE", FileTypes.label(38).orElseThrow());
        assertEquals("IQ4_XS", FileTypes.label(30).orElseThrow());
        assertEquals("Q8_0", FileTypes.label(1024 + 7).orElseThrow());
        assertTrue(FileTypes.label(4).isEmpty());
        assertTrue(FileTypes.label(35).isEmpty());
    }
}

package org.terroir.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void everyTextExistsInFrenchAndEnglish() {
        Set<String> en = new TreeSet<>(Texts.all().bundle(Locale.ENGLISH).keySet());
        Set<String> fr = new TreeSet<>(Texts.all().bundle(Locale.FRENCH).keySet());
        assertFalse(en.isEmpty());
        assertEquals(en, fr);
        assertEquals("Le corps de la requête dépasse les 4 Mo que ce serveur accepte.",
                Texts.all().get(Locale.FRENCH, "error.tooLarge", 4.0));
    }
}

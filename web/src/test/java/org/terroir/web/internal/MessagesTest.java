package org.terroir.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;

import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void everyTextExistsInFrenchAndEnglish() {
        org.terroir.testkit.i18n.BundleParity.check(Texts.class, "org.terroir.web.internal.messages");
        assertEquals("Le corps de la requête dépasse les 4 Mo que ce serveur accepte.",
                Texts.all().get(Locale.FRENCH, "error.tooLarge", 4.0));
    }
}

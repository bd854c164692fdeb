package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.i18n.Texts;
import org.terroir.testkit.gguf.TinyLlama;

/** A person chats in French in the shell, quits, restarts Terroir and continues the same conversation. */
class ChatIT {
    @TempDir
    Path dir;

    @AfterEach
    void english() {
        System.setProperty(Texts.LANG_PROPERTY, "en");
    }

    @Test
    void aFrenchConversationSurvivesARestart() throws Exception {
        System.setProperty(Texts.LANG_PROPERTY, "fr");
        Path model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
        Path home = dir.resolve("home");

        String id;
        try (PlatformFixture fixture = PlatformFixture.start(home)) {
            PlatformFixture.Result first = fixture.shell("load --ctx 512 --threads 2 " + model + "; chat --preset grammar",
                    "Bonjour, peux-tu corriger : « je suis allé au marché hier »\n/exit\n");
            assertEquals(0, first.status(), first.err());
            assertTrue(first.out().contains("jetons"), "the stats line is in French: " + first.out());

            PlatformFixture.Result list = fixture.shell("conversations");
            Matcher m = Pattern.compile("^\\s*(\\S+)\\s+\\d{4}-", Pattern.MULTILINE).matcher(list.out());
            assertTrue(m.find(), "one conversation listed: " + list.out());
            id = m.group(1);
        }

        try (PlatformFixture fixture = PlatformFixture.start(home)) {
            PlatformFixture.Result list = fixture.shell("conversations");
            assertTrue(list.out().contains(id), "the conversation is still there after a restart: " + list.out());
            PlatformFixture.Result again = fixture.shell("chat --conversation " + id, "Et la phrase suivante ?\n/exit\n");
            assertEquals(0, again.status(), again.err());
            PlatformFixture.Result history = fixture.shell("history " + id);
            assertEquals(0, history.status(), history.err());
            assertTrue(history.out().contains("je suis allé au marché hier"), history.out());
            assertTrue(history.out().contains("Et la phrase suivante ?"), history.out());
        }
    }
}

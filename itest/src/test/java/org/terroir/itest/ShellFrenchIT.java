package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.i18n.Texts;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

/**
 * The shell in real French, through Gogo as the launcher runs it: questions with {@code ?}, {@code *} and {@code '}
 * unquoted, a model not yet downloaded answered with the {@code pull} to type, and {@code chat -m} of an unknown
 * model refused before any conversation is created.
 */
class ShellFrenchIT {
    @TempDir
    Path dir;

    @Test
    void frenchQuestionsAndErrorsThatSayWhatToDoNext() throws Exception {
        String before = System.getProperty(Texts.LANG_PROPERTY);
        System.setProperty(Texts.LANG_PROPERTY, "fr");
        try (ImitationHub hub = ImitationHub.start()) {
            hub.addTinyLlama("acme/Tiny-GGUF", dir.resolve("hub"), TensorType.Q4_0);
            Path home = dir.resolve("home");
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint() + "\n");
            try (PlatformFixture fixture = PlatformFixture.start(home)) {
                PlatformFixture.Result early = fixture.shell("load acme/Tiny-GGUF:Q4_0");
                assertNotEquals(0, early.status());
                assertTrue(early.err().contains("pull acme/Tiny-GGUF:Q4_0"), early.err());

                PlatformFixture.Result pull = fixture.shell("pull acme/Tiny-GGUF:Q4_0");
                assertEquals(0, pull.status(), pull.err());

                PlatformFixture.Result ask = fixture.shell("load --ctx 256 --threads 2 acme/Tiny-GGUF:Q4_0; "
                        + "ask -n 4 -t 0 Pourquoi le ciel est bleu ?");
                assertEquals(0, ask.status(), ask.err());
                assertFalse(ask.err().contains("no matches"), ask.err());
                assertTrue(ask.out().contains(" jetons"), ask.out());

                PlatformFixture.Result quote = fixture.shell("ask -n 4 -t 0 C'est quoi * en shell ?");
                assertEquals(0, quote.status(), quote.err());
                assertTrue(quote.out().contains(" jetons"), quote.out());

                String conversations = fixture.shell("conversations").out();
                PlatformFixture.Result chat = fixture.shell("chat -m modele-inexistant", "Bonjour\n/exit\n");
                assertNotEquals(0, chat.status(), chat.out());
                assertTrue(chat.err().contains("modele-inexistant") && chat.err().contains("models")
                        && chat.err().contains("pull"), chat.err());
                assertEquals(conversations, fixture.shell("conversations").out(), "no empty conversation left");

                // help in French throughout: the options too, not only the summaries.
                PlatformFixture.Result help = fixture.shell("help load");
                assertEquals(0, help.status(), help.err());
                assertTrue(help.out().contains("fenêtre de contexte") && help.out().contains("<valeur>")
                        && !help.out().contains("context window"), help.out());
                PlatformFixture.Result hw = fixture.shell("hw");
                assertTrue(hw.out().contains("Cet ordinateur") && hw.out().contains(" Go")
                        && !hw.out().contains("[OSHI]"), hw.out());
            }
        } finally {
            if (before == null) {
                System.clearProperty(Texts.LANG_PROPERTY);
            } else {
                System.setProperty(Texts.LANG_PROPERTY, before);
            }
        }
    }
}

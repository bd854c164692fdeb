package org.terroir.shell.internal.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Size;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.ChatMessage.Role;
import org.terroir.api.inference.FinishReason;

/** Drives the interactive chat through a dumb terminal over pipes, as a person would type. */
class ChatReplTest {
    private static final long PATIENCE_MS = 30_000; // a guard against hanging, not a speed requirement

    private final InMemoryChatService chat = new InMemoryChatService();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private PipedOutputStream keys;
    private Terminal terminal;
    private Thread session;
    private String previousLang;

    @TempDir
    Path dir;

    void start(String lang, String conversation, String model, String preset) throws IOException {
        previousLang = System.getProperty(Texts.LANG_PROPERTY);
        System.setProperty(Texts.LANG_PROPERTY, lang);
        keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 1 << 16);
        // the terminal a script or a pipe gets: no native code, the same on every machine
        terminal = new DumbTerminal("chat-test", Terminal.TYPE_DUMB, in, screen, StandardCharsets.UTF_8);
        terminal.setSize(new Size(160, 50));
        session = new Thread(() -> new ChatRepl(chat, terminal).run(conversation, model, preset), "chat-repl");
        session.setDaemon(true);
        session.start();
    }

    @BeforeEach
    void noLanguageYet() {
        previousLang = System.getProperty(Texts.LANG_PROPERTY);
    }

    @AfterEach
    void restore() throws IOException {
        if (previousLang == null) {
            System.clearProperty(Texts.LANG_PROPERTY);
        } else {
            System.setProperty(Texts.LANG_PROPERTY, previousLang);
        }
        if (terminal != null) {
            terminal.close();
        }
    }

    private void type(String line) throws IOException {
        keys.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the screen shows {@code text} {@code times} times. */
    private void waitFor(String text, int times) throws InterruptedException {
        long end = System.currentTimeMillis() + PATIENCE_MS;
        while (count(screen(), text) < times) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("never saw " + times + "× '" + text + "' on:\n" + screen());
            }
            Thread.sleep(10);
        }
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private void leave() throws Exception {
        type("/exit");
        session.join(PATIENCE_MS);
        assertFalse(session.isAlive(), "the chat ended on /exit");
    }

    @Test
    void chatsStreamsShowsStatsAndRunsSlashCommands() throws Exception {
        start("en", null, "tiny", null);
        waitFor("/help lists the commands", 1);
        assertEquals("org.jline.terminal.impl.DumbTerminal", terminal.getClass().getName());
        String id = chat.list().get(0).id();
        assertEquals("tiny", chat.list().get(0).modelRef());

        type("Hello there");
        waitFor("tokens/s", 1);
        assertTrue(screen().contains("you> Hello there"), "the prompt and what was typed: " + screen());
        assertTrue(screen().contains("ai> echo: Hello there"), screen());
        assertTrue(screen().contains("— 3 tokens, 42.5 tokens/s, first token after 3 ms, prompt 12 tokens, finished"),
                screen());

        type("/preset grammar");
        waitFor("Preset grammar name", 1);
        assertEquals("grammar", chat.get(id).orElseThrow().presetId());
        type("/system Answer in verse.");
        waitFor("System prompt set.", 1);
        assertEquals("Answer in verse.", chat.get(id).orElseThrow().systemPrompt());
        type("/model other.gguf");
        waitFor("Model set to other.gguf", 1);
        type("/history");
        waitFor("you> Hello there", 1);
        type("/export json");
        waitFor("\"messages\": 2", 1);
        Path file = dir.resolve("out/chat.md");
        type("/export md " + file);
        waitFor("Exported to", 1);
        assertEquals("# New conversation\n", Files.readString(file));
        type("long message");
        waitFor("the 2 oldest messages were left out", 1);
        waitFor("ai> echo: long message", 1);
        assertTrue(screen().indexOf("the 2 oldest messages") < screen().indexOf("ai> echo: long message"),
                "the notice comes before the answer");
        type("/nonsense");
        waitFor("Unknown command /nonsense", 1);
        type("/help");
        waitFor("/export [md|json] [file]", 1);
        type("/new");
        waitFor("Conversation c2", 1);
        leave();
        waitFor("chat --conversation c2", 1);
        assertEquals(2, chat.list().size());
    }

    @Test
    void ctrlCStopsTheAnswerNotTheChat() throws Exception {
        start("en", null, "tiny", null);
        waitFor("/help lists the commands", 1);
        String id = chat.list().get(0).id();
        type("talk forever");
        waitFor("w5 ", 1);
        terminal.raise(Signal.INT); // what the console does on Ctrl-C
        waitFor("(answer stopped", 1);
        waitFor("stopped", 2);
        List<StoredMessage> stored = chat.messages(id);
        assertEquals(Role.ASSISTANT, stored.get(1).role());
        assertEquals(FinishReason.CANCELLED, stored.get(1).stats().finishReason());
        // the chat goes on
        type("still there?");
        waitFor("echo: still there?", 1);
        waitFor("tokens/s", 2);
        leave();
    }

    @Test
    void ctrlCAtThePromptKeepsTheChat() throws Exception {
        start("en", null, "tiny", null);
        waitFor("/help lists the commands", 1);
        terminal.raise(Signal.INT);
        waitFor("you> ", 2); // a fresh prompt: the line was dropped, the chat goes on
        type("after the interrupt");
        waitFor("echo: after the interrupt", 1);
        leave();
    }

    @Test
    void continuesAConversationInFrench() throws Exception {
        var c = chat.create(org.terroir.api.chat.ConversationSettings.empty().withModelRef("tiny"));
        chat.send(c.id(), "premier message", org.terroir.api.chat.ChatListener.NONE).result().get(10, TimeUnit.SECONDS);
        start("fr", c.id(), null, null);
        waitFor("2 messages jusqu'ici", 1);
        type("Bonjour");
        waitFor("jetons/s", 1);
        assertTrue(screen().contains("ia> echo: Bonjour"), screen());
        assertTrue(screen().contains("42,5 jetons/s"), "French number format: " + screen());
        type("/preset inconnu");
        waitFor("Erreur :", 1);
        leave();
        waitFor("Au revoir. Pour reprendre plus tard : chat --conversation " + c.id(), 1);
        assertEquals(4, chat.messages(c.id()).size());
    }

    @Test
    void endOfInputLeavesTheChat() throws Exception {
        start("en", null, null, null);
        waitFor("/help lists the commands", 1);
        keys.close(); // Ctrl-D, or the end of a script
        session.join(PATIENCE_MS);
        assertFalse(session.isAlive());
    }
}

package org.terroir.shell.internal.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.i18n.Texts;

/** The chat commands as Gogo calls them, in a session without a terminal (a script). */
class ChatCommandsTest {
    private final InMemoryChatService chat = new InMemoryChatService();
    private final ChatCommands commands = new ChatCommands();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private String previousLang;

    @TempDir
    Path dir;

    @BeforeEach
    void wire() throws Exception {
        previousLang = System.getProperty(Texts.LANG_PROPERTY);
        System.setProperty(Texts.LANG_PROPERTY, "en");
        Field f = ChatCommands.class.getDeclaredField("chat");
        f.setAccessible(true);
        f.set(commands, chat);
    }

    @AfterEach
    void restore() {
        if (previousLang == null) {
            System.clearProperty(Texts.LANG_PROPERTY);
        } else {
            System.setProperty(Texts.LANG_PROPERTY, previousLang);
        }
    }

    private CommandSession session(String keyboard) {
        InputStream in = new ByteArrayInputStream(keyboard.getBytes(StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        return (CommandSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CommandSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getKeyboard" -> in;
                    case "getConsole" -> out;
                    case "get" -> null; // no ".terminal": not an interactive console
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void conversationsListsAndSearches() {
        commands.conversations(session(""), "");
        assertTrue(console().contains("No conversations yet"), console());
        Conversation c = chat.create(ConversationSettings.empty().withModelRef("/models/tiny.gguf").withTitle("Recettes"));
        chat.send(c.id(), "une tarte aux pommes", ChatListener.NONE).await();
        commands.conversations(session(""), "");
        assertTrue(console().contains(c.id()) && console().contains("tiny.gguf") && console().contains("Recettes"),
                console());
        commands.conversations(session(""), "pommes");
        assertTrue(console().contains("une tarte aux pommes"), console());
        commands.conversations(session(""), "poires");
        assertTrue(console().contains("Nothing found for \"poires\""), console());
    }

    @Test
    void historyAndExport() throws Exception {
        Conversation c = chat.create(ConversationSettings.empty().withModelRef("tiny"));
        chat.send(c.id(), "hello", ChatListener.NONE).await();
        commands.history(session(""), c.id());
        assertTrue(console().contains("you> hello") && console().contains("ai> echo: hello")
                && console().contains("tokens/s"), console());

        Path file = dir.resolve("c.json");
        commands.export(session(""), "json", file.toString(), c.id());
        assertEquals("{\"id\": \"" + c.id() + "\", \"messages\": 2}", Files.readString(file));
        assertTrue(console().contains("Exported to " + file.toAbsolutePath()), console());
        commands.export(session(""), "md", "", c.id());
        assertTrue(console().contains("# New conversation"), console());

        assertEquals("chat.export.format", assertThrows(TerroirException.class,
                () -> commands.export(session(""), "pdf", "", c.id())).code());
        assertEquals("chat.conversation.unknown", assertThrows(TerroirException.class,
                () -> commands.history(session(""), "nope")).code());
    }

    @Test
    void chatRunsFromAScriptWithoutATerminal() throws Exception {
        commands.chat(session("hello from a script\n/exit\n"), "tiny", "", "grammar");
        assertTrue(console().contains("ai> echo: hello from a script"), console());
        assertTrue(console().contains("chat --conversation c1"), console());
        assertEquals("grammar", chat.get("c1").orElseThrow().presetId());
        assertEquals(2, chat.messages("c1").size());
    }
}

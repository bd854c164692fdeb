package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.ChatMessage.Role;

class ContextWindowTest {
    /** One token per word. */
    private static int words(String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    private static final List<ChatMessage> HISTORY = List.of(
            ChatMessage.user("one two three four"), ChatMessage.assistant("five six seven eight"),
            ChatMessage.user("a b c d"), ChatMessage.assistant("e f g h"),
            ChatMessage.user("w x y z"), ChatMessage.assistant("p q r s"));

    @Test
    void keepsEverythingWhenItFits() {
        ContextWindow window = new ContextWindow(100, 20, 2, ContextWindowTest::words);
        ContextWindow.Fit fit = window.fit("be brief", HISTORY, ChatMessage.user("hello"));
        assertEquals(0, fit.droppedMessages());
        assertEquals(8, fit.messages().size());
        assertEquals(Role.SYSTEM, fit.messages().get(0).role());
        // 2 + 6*4 + 1 words, plus 2 per message for 8 messages
        assertEquals(27 + 16, fit.estimatedTokens());
    }

    @Test
    void dropsWholeOldestTurnsAndKeepsTheSystemPrompt() {
        // budget 40 - 10 = 30; system 2+2, next 1+2, each history message 4+2 = 6: total 43 -> drop 2 turns (24)
        ContextWindow window = new ContextWindow(40, 10, 2, ContextWindowTest::words);
        ContextWindow.Fit fit = window.fit("be brief", HISTORY, ChatMessage.user("hello"));
        assertEquals(4, fit.droppedMessages());
        assertEquals(List.of(ChatMessage.system("be brief"), HISTORY.get(4), HISTORY.get(5), ChatMessage.user("hello")),
                fit.messages());
        assertTrue(fit.estimatedTokens() <= 30);
    }

    @Test
    void neverStartsWithAnAnswerWithoutItsQuestion() {
        // budget just too small for the whole history by one token: a whole turn goes, not one message
        ContextWindow window = new ContextWindow(42, 0, 2, ContextWindowTest::words);
        ContextWindow.Fit fit = window.fit("be brief", HISTORY, ChatMessage.user("hello"));
        assertEquals(2, fit.droppedMessages());
        assertEquals(Role.USER, fit.messages().get(1).role());
    }

    @Test
    void dropsAllHistoryIfNeededButNotTheNewMessage() {
        ContextWindow window = new ContextWindow(12, 4, 2, ContextWindowTest::words);
        ContextWindow.Fit fit = window.fit("be brief", HISTORY, ChatMessage.user("hello"));
        assertEquals(6, fit.droppedMessages());
        assertEquals(List.of(ChatMessage.system("be brief"), ChatMessage.user("hello")), fit.messages());
    }

    @Test
    void aMessageThatCannotFitIsRefused() {
        ContextWindow window = new ContextWindow(10, 5, 2, ContextWindowTest::words);
        TerroirException e = assertThrows(TerroirException.class,
                () -> window.fit("", List.of(), ChatMessage.user("one two three four five six")));
        assertEquals("chat.message.too-long", e.code());
    }

    @Test
    void reserveIsTheAnswersMaximumButAtMostHalfTheWindow() {
        assertEquals(256, ContextWindow.reserveFor(256, 2048));
        assertEquals(1024, ContextWindow.reserveFor(4096, 2048));
    }
}

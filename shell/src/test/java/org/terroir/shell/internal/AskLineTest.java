package org.terroir.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class AskLineTest {
    @Test
    void theRestOfTheLineIsTheQuestion() {
        assertEquals("ask \"Pourquoi le ciel est bleu ?\"", AskLine.quote("ask Pourquoi le ciel est bleu ?"));
        assertEquals("ask \"C\"\\'\"est quoi * en shell ?\"", AskLine.quote("ask C'est quoi * en shell ?"));
        assertEquals("ask -n 8 -t 0 \"Qu\"\\'\"est-ce qu\"\\'\"un \\\"jeton\\\" à 2 \\$ ?\"",
                AskLine.quote("ask -n 8 -t 0 Qu'est-ce qu'un \"jeton\" à 2 $ ?"));
        assertEquals("ask -s \"Sois bref.\" --raw \"Et l\"\\'\"eau ?\"", AskLine.quote("ask -s \"Sois bref.\" --raw Et l'eau ?"));
        assertEquals("terroir:ask \"C:\\\\Users\\\\moi ?\"", AskLine.quote("terroir:ask C:\\Users\\moi ?"));
    }

    @Test
    void afterASemicolonAndOnEachLineOfAScript() {
        assertEquals("load --ctx 256 m; ask \"Ça va ?\"", AskLine.quote("load --ctx 256 m; ask Ça va ?"));
        assertEquals("models\nask \"L\"\\'\"été ?\"", AskLine.quote("models\nask L'été ?"));
    }

    @Test
    void aQuotedQuestionAndOtherCommandsAreLeftAsTheyAre() {
        String quoted = "load x; ask -n 8 -t 0 \"Bonjour\"";
        assertSame(quoted, AskLine.quote(quoted));
        String single = "ask 'Bonjour ?'";
        assertSame(single, AskLine.quote(single));
        String other = "search qwen 'a b'";
        assertSame(other, AskLine.quote(other));
        String then = "ask \"a b\" ; models";
        assertSame(then, AskLine.quote(then));
        String task = "echo task";
        assertSame(task, AskLine.quote(task));
        assertSame("ask", AskLine.quote("ask"));
        assertEquals("ask -m x", AskLine.quote("ask -m x"));
    }

    @Test
    void windowsPathsProtectionSeesTheAskLineQuotedAlready() {
        assertEquals("ask \"Où est C:\\\\Temp ?\"", WindowsPaths.protect("ask Où est C:\\Temp ?"));
    }
}

package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.inference.ChatMessage.Role;

/**
 * A process killed with SIGKILL while an answer streams: every finished message is intact, and the answer is
 * there as far as it was last saved, marked incomplete.
 */
class KillDuringAnswerTest {
    private static final int KILL_AFTER_TOKENS = 800;

    private static int token(String line, long[] when) {
        String[] parts = line.split(" ");
        int n = Integer.parseInt(parts[1]);
        when[n] = Long.parseLong(parts[2]);
        return n;
    }

    @TempDir
    Path dataDir;

    @Test
    void killMinusNineLosesAtMostTheLastUnsavedPieceOfTheAnswer() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                StreamingChild.class.getName(), dataDir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String conversationId = null;
        int emitted = 0;
        long[] when = new long[StreamingChild.TOKENS + 1]; // child's clock when token n was handed over
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("CONVERSATION ")) {
                    conversationId = line.substring(13);
                } else if (line.startsWith("TOKEN ")) {
                    emitted = token(line, when);
                    if (emitted == KILL_AFTER_TOKENS) {
                        // SIGKILL (no shutdown hook, no finally, no last flush); through the handle, which, unlike
                        // Process.destroyForcibly, leaves the pipe open to read what the child wrote before dying
                        child.toHandle().destroyForcibly();
                        break;
                    }
                }
            }
            // tokens the child handed over between the line we acted on and its death
            while ((line = out.readLine()) != null) {
                if (line.startsWith("TOKEN ")) {
                    emitted = token(line, when);
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        assertNotNull(conversationId);
        assertTrue(emitted >= KILL_AFTER_TOKENS);

        try (ChatStore store = ChatStore.open(dataDir)) {
            List<StoredMessage> messages = store.messages(conversationId);
            assertEquals(List.of(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT),
                    messages.stream().map(StoredMessage::role).toList());
            // the finished exchange is whole
            assertEquals("first question", messages.get(0).content());
            assertEquals("echo: first question", messages.get(1).content());
            assertTrue(messages.get(1).complete());
            assertNotNull(messages.get(1).stats());
            assertEquals("second question", messages.get(2).content());
            // the answer cut short: readable, marked incomplete, exactly the first tokens it streamed
            StoredMessage partial = messages.get(3);
            assertFalse(partial.complete());
            assertNull(partial.stats());
            String text = partial.content();
            int saved = text.isEmpty() ? 0 : text.split(" ").length;
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < saved; i++) {
                expected.append(StreamingChild.token(i));
            }
            assertEquals(expected.toString(), text);
            assertTrue(saved > 0, "some of the answer was saved while it streamed");
            assertTrue(saved <= emitted);
            int lost = emitted - saved;
            double lostMs = (when[emitted] - when[Math.max(saved, 1)]) / 1e6;
            String report = String.format(java.util.Locale.ROOT,
                    "kill -9 during a streamed answer: %d tokens handed to the listener, %d saved, %d lost, "
                            + "i.e. the last %.0f ms of the answer (flush interval %d ms)%n",
                    emitted, saved, lost, lostMs, ChatOptions.defaults(dataDir).flushIntervalMs());
            System.out.print(report);
            Files.writeString(Path.of("target", "kill9-report.txt"), report);
        }
    }
}

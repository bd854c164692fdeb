package org.terroir.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Windows paths typed in the shell reach the command with their backslashes: each line goes through
 * {@link WindowsPaths#protect} and then the real Gogo runtime (its parser and expander, as in the console), and a
 * {@code load} command records the argument it gets.
 */
class WindowsPathsTest {
    /** Stands in for the shell's load/inspect/import: records its arguments. */
    public static final class Recorder {
        final List<String> got = new ArrayList<>();

        public void load(String path) {
            got.add(path);
        }

        public void load(String option, String path) {
            got.add(option + " " + path);
        }
    }

    private ThreadIOImpl threadIO;
    private CommandProcessorImpl processor;
    private CommandSession session;
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void gogo() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("terroir", recorder, "load");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new ByteArrayOutputStream());
    }

    @AfterEach
    void close() {
        session.close();
        threadIO.stop();
    }

    private String typed(String line) throws Exception {
        recorder.got.clear();
        session.execute(WindowsPaths.protect(line));
        assertEquals(1, recorder.got.size(), line);
        return recorder.got.get(0);
    }

    @Test
    void aDrivePathKeepsItsBackslashes() throws Exception {
        assertEquals("C:\\Users\\me\\model.gguf", typed("load C:\\Users\\me\\model.gguf"));
        assertEquals("d:\\m\\q4.gguf", typed("load d:\\m\\q4.gguf"));
    }

    @Test
    void withoutProtectionGogoEatsThem() throws Exception {
        recorder.got.clear();
        session.execute("load C:\\Users\\me\\model.gguf");
        assertEquals("C:Usersmemodel.gguf", recorder.got.get(0), "what the issue saw");
    }

    @Test
    void doubleQuotedPathsWithSpacesUncAndRelativePaths() throws Exception {
        assertEquals("C:\\Users\\me\\My Models\\m.gguf", typed("load \"C:\\Users\\me\\My Models\\m.gguf\""));
        assertEquals("\\\\nas\\models\\m.gguf", typed("load \\\\nas\\models\\m.gguf"));
        assertEquals(".\\models\\m.gguf", typed("load .\\models\\m.gguf"));
        assertEquals("..\\m.gguf", typed("load ..\\m.gguf"));
        assertEquals("--ctx C:\\m.gguf", typed("load --ctx C:\\m.gguf"));
        assertEquals("C:\\m\\", typed("load C:\\m\\"));
    }

    @Test
    void singleQuotesAndAlreadyEscapedPathsAreLeftAlone() throws Exception {
        assertEquals("C:\\Users\\m.gguf", typed("load 'C:\\Users\\m.gguf'"));
        assertEquals("C:\\Users\\m.gguf", typed("load C:\\\\Users\\\\m.gguf"));
        assertEquals("C:\\Users\\m.gguf", typed("load \"C:\\\\Users\\\\m.gguf\""));
    }

    @Test
    void otherEscapesAndLinesDoNotChange() throws Exception {
        String plain = "ask \"a\\tb\" ; echo x\\ y $HOME ; load /home/me/m.gguf";
        assertEquals(plain, WindowsPaths.protect(plain));
        assertEquals("load /home/me/model.gguf", WindowsPaths.protect("load /home/me/model.gguf"));
        assertEquals("ask \"C: is a drive\"", WindowsPaths.protect("ask \"C: is a drive\""));
        assertEquals("/tmp/x y", typed("load /tmp/x\\ y"));
        recorder.got.clear();
        session.execute(WindowsPaths.protect("load a;load C:\\b"));
        assertEquals(List.of("a", "C:\\b"), recorder.got, "a path right after ; is a word of its own");
    }
}

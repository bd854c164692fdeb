package org.terroir.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.terroir.testkit.i18n.BundleParity;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's options, modes, port choice, console log format and texts (both languages, same keys). */
class LauncherTest {
    @TempDir
    Path home;

    @Test
    void optionsAndModes() throws Exception {
        Main.Options o = Main.parse(new String[] {"--port", "9000", "--no-browser", "--server", "--port-auto"});
        assertEquals(9000, o.port);
        assertTrue(o.noBrowser && o.server && o.portAuto);
        assertEquals(Main.Mode.SERVER, Main.mode(o, true), "--server even on a terminal");
        assertEquals(Main.Mode.SHELL, Main.mode(Main.parse(new String[0]), true));
        assertEquals(Main.Mode.SERVER, Main.mode(Main.parse(new String[0]), false), "no terminal: serve");
        assertEquals(Main.Mode.SHELL, Main.mode(Main.parse(new String[] {"--shell"}), false));
        Main.Options c = Main.parse(new String[] {"--port=9001", "-c", "ask", "hi", "--server"});
        assertEquals(9001, c.port);
        assertEquals("ask hi --server", c.command, "everything after -c is the commands");
        assertEquals(Main.Mode.COMMANDS, Main.mode(c, true));
        for (String bad : new String[] {"0", "65536", "huit", "-1"}) {
            assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--port", bad}), bad);
        }
        assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--port"}));
        assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--frobnicate"}));
    }

    @Test
    void aBusyPortIsOneLineOrTheNextFreeOne() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            assertFalse(Ports.isFree("127.0.0.1", port));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Main.Options o = Main.parse(new String[] {"--server", "--port", Integer.toString(port), "--lang", "en"});
            assertEquals(-1, Main.choosePort(o, home, Main.Mode.SERVER, false, print(out), print(err)));
            String line = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, line.strip().lines().count(), line);
            assertTrue(line.startsWith("Port " + port + " is already in use"), line);

            o.portAuto = true;
            int next = Main.choosePort(o, home, Main.Mode.SERVER, false, print(out), print(err));
            assertTrue(next > port && Ports.isFree("127.0.0.1", next), "next free: " + next);

            // No terminal and no --server (a desktop entry): the next one, nobody to ask.
            Main.Options desktop = Main.parse(new String[] {"--port", Integer.toString(port)});
            assertTrue(Main.choosePort(desktop, home, Main.Mode.SERVER, false, print(out), print(err)) > port);

            // A port set in conf/ wins, and is not changed behind the user's back.
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/org.apache.felix.http.cfg"), "org.osgi.service.http.port=" + port
                    + "\n");
            err.reset();
            assertEquals(-1, Main.choosePort(desktop, home, Main.Mode.SERVER, false, print(out), print(err)));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("org.apache.felix.http.cfg"), err.toString());
        } finally {
            System.clearProperty("terroir.lang");
        }
    }

    @Test
    void theConsoleGetsOneLineAndWhereTheDetailsAre() {
        LogRecord record = new LogRecord(Level.SEVERE, "Failed to start Connector");
        record.setThrown(new IllegalStateException("Invalid BundleContext", new RuntimeException("deep")));
        String line = new Logs.OneLine().format(record);
        assertEquals(1, line.strip().lines().count(), line);
        assertFalse(line.contains("IllegalStateException") || line.contains("\tat "), line);
        assertTrue(line.contains("Failed to start Connector"), line);
        LogRecord multi = new LogRecord(Level.WARNING, "first\n\tat somewhere\n\tat elsewhere");
        assertEquals(1, new Logs.OneLine().format(multi).strip().lines().count());
    }

    @Test
    void browserIsSkippedUnderCiAndWithoutADisplay() {
        assertEquals("CI=true", Browser.skipReason(Map.of("CI", "true", "DISPLAY", ":0")));
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            assertEquals("no display", Browser.skipReason(Map.of()));
            assertEquals(null, Browser.skipReason(Map.of("WAYLAND_DISPLAY", "wayland-0")));
        }
    }

    @Test
    void savedSettingsFromAConfFileRemovedWhileStoppedAreForgotten() throws IOException {
        Path saved = home.resolve(SavedSettings.FOLDER);
        Path conf = Files.createDirectories(home.resolve("conf"));
        Path kept = Files.writeString(conf.resolve("org.terroir.web.cfg"), "allowedHosts=box.lan\n");
        Path removed = conf.resolve("org.terroir.runtime.cfg"); // the user deleted it while Terroir was stopped
        // as ConfigAdmin writes them: one per pid, FileInstall's origin stamped on those it made from conf/
        Path fromKept = write(saved.resolve("org/terroir/web.config"), "service.pid=\"org.terroir.web\"",
                "felix.fileinstall.filename=\"" + kept.toUri() + "\"", "allowedHosts=\"box.lan\"");
        Path fromRemoved = write(saved.resolve("org/terroir/runtime.config"), "service.pid=\"org.terroir.runtime\"",
                "felix.fileinstall.filename=\"" + removed.toUri() + "\"", "idleUnloadMinutes=I\"5\"");
        Path fromPage = write(saved.resolve("org/terroir/page.config"), "service.pid=\"org.terroir.page\"",
                "language=\"fr\"");

        assertEquals(kept, SavedSettings.origin(fromKept));
        assertEquals(1, SavedSettings.forgetRemovedFiles(saved));
        assertTrue(Files.exists(fromKept), "its file is still in conf/");
        assertFalse(Files.exists(fromRemoved), "its file left conf/: the setting must not stay in force");
        assertTrue(Files.exists(fromPage), "saved from the page: no file behind it");
        assertEquals(0, SavedSettings.forgetRemovedFiles(home.resolve("nothing-here")));
        assertEquals(home.resolve("data/settings").toString(),
                Platform.frameworkProperties(home, home, false, Map.of()).get("felix.cm.dir"));
    }

    private static Path write(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, java.util.List.of(lines), StandardCharsets.UTF_8);
    }

    @Test
    void textsExistInFrenchAndEnglishWithTheSameKeys() throws IOException {
        BundleParity.check(Messages.class, "org.terroir.launcher.messages");
        assertEquals("Le port 8181 est déjà pris (un autre programme, ou Terroir déjà lancé) : relancez avec --port "
                + "8182, ou --port-auto pour prendre le prochain port libre.",
                Messages.get(Locale.FRENCH, "port.busy", "8181", "8182"));
        assertTrue(Messages.get(Locale.FRENCH, "usage").contains("--server"));
        assertTrue(Messages.get(Locale.FRENCH, "server.running", "u").contains("l'arrête"), "quotes in French");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}

package org.terroir.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Where the platform's log goes: everything from INFO up into {@code logs/terroir.log} (rotated), only warnings
 * and errors on the console, so that the shell shows answers, not chatter.
 */
final class Logs {
    private Logs() {
    }

    static void configure(Path dir) {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the user configured logging themselves
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$-7s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.WARNING);
        root.addHandler(console);
        try {
            HomeFiles.createPrivateDirectories(dir);
            FileHandler file = new FileHandler(dir.resolve("terroir.%g.log").toString(), 5_000_000, 3, true);
            file.setFormatter(new SimpleFormatter());
            file.setLevel(Level.INFO);
            root.addHandler(file);
        } catch (IOException | RuntimeException e) {
            System.err.println("logs will not be written to " + dir + ": " + e.getMessage());
        }
    }
}

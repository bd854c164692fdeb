package org.terroir.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Where the platform's log goes: everything from INFO up into {@code logs/terroir.log} (rotated), only warnings
 * and errors on the console, so that the shell shows answers, not chatter. The console gets one line per record and
 * never a stack trace: a record with an exception says where its details are ({@link #file()}).
 */
final class Logs {
    private static volatile Path file;

    private Logs() {
    }

    /** Where the current log is written ({@code logs/terroir.0.log}), or null before {@link #configure}. */
    static Path file() {
        return file;
    }

    /** Held: a logger's level is lost when nothing holds the logger. */
    private static final Logger QUIET = Logger.getLogger("ai.djl");

    static void configure(Path dir) {
        file = dir.resolve("terroir.0.log");
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the user configured logging themselves
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$-7s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        // DJL's tokenizer tells at INFO how it found its platform and unpacked its library, at every start
        QUIET.setLevel(Level.WARNING);
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.WARNING);
        console.setFormatter(new OneLine());
        root.addHandler(console);
        try {
            HomeFiles.createPrivateDirectories(dir);
            FileHandler handler = new FileHandler(dir.resolve("terroir.%g.log").toString(), 5_000_000, 3, true);
            handler.setFormatter(new SimpleFormatter());
            handler.setLevel(Level.INFO);
            root.addHandler(handler);
        } catch (IOException | RuntimeException e) {
            System.err.println("logs will not be written to " + dir + ": " + e.getMessage());
        }
    }

    /** The console's format: the level and the message on one line, and where the details are instead of a trace. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            String message = formatMessage(record);
            if (message == null || message.isBlank()) {
                message = record.getThrown() == null ? "" : String.valueOf(record.getThrown().getMessage());
            }
            int newline = message.indexOf('\n');
            if (newline >= 0) {
                message = message.substring(0, newline).stripTrailing() + " …";
            }
            String line = record.getLevel().getName() + " " + message;
            if (record.getThrown() != null || newline >= 0) {
                line = Messages.get("console.details", line, file);
            }
            return line + System.lineSeparator();
        }
    }
}

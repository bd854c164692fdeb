package org.terroir.backend.llamacpp.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's stdout and stderr (llama.cpp logs there on its own): the last lines kept in memory to explain a
 * crash, every line appended to the model's log file. Draining also keeps the worker from blocking on a full
 * pipe.
 */
final class LogTail {
    static final int LINES = 50;

    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final Writer file;
    private final List<Thread> drains = new ArrayList<>();

    LogTail(Writer file) {
        this.file = file;
    }

    /** Starts a daemon thread that reads {@code stream} to its end. */
    void drain(InputStream stream, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    add(line);
                }
            } catch (IOException e) {
                add("[" + name + ": " + e.getMessage() + "]");
            }
        }, name);
        thread.setDaemon(true);
        synchronized (drains) {
            drains.add(thread);
        }
        thread.start();
    }

    void add(String line) {
        synchronized (lines) {
            lines.addLast(line);
            if (lines.size() > LINES) {
                lines.removeFirst();
            }
            if (file != null) {
                try {
                    file.write(line);
                    file.write(System.lineSeparator());
                    file.flush();
                } catch (IOException e) {
                    // The in-memory tail still explains a crash; the log file is a convenience.
                }
            }
        }
    }

    /** Waits a little for the streams to end, so that a dead worker's last words are in. */
    void awaitEnd(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        List<Thread> threads;
        synchronized (drains) {
            threads = List.copyOf(drains);
        }
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    List<String> lastLines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The last lines as one block of text, for error messages. */
    String text() {
        List<String> last = lastLines();
        return last.isEmpty() ? "" : String.join(System.lineSeparator(), last);
    }

    void close() {
        synchronized (lines) {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // nothing to add
                }
            }
        }
    }
}

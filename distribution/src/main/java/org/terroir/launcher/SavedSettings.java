package org.terroir.launcher;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where ConfigAdmin keeps the configurations across restarts: {@code TERROIR_HOME/data/settings}, not the framework's
 * cache (emptied at every start so that the distribution's bundles are the ones that run), so that what a person
 * changes on the page's settings (threads, idle unload, language, country, …) is still there after a restart.
 *
 * <p>{@code conf/} stays the user's: FileInstall applies its files at each start over what is saved; a configuration
 * that came from a {@code conf/} file removed while Terroir was stopped is forgotten here before the framework starts
 * (FileInstall would not know the file went, and a removed setting such as {@code allowedHosts} would stay in force).
 */
final class SavedSettings {
    /** TERROIR_HOME's folder for ConfigAdmin's files (framework property {@code felix.cm.dir}). */
    static final String FOLDER = "data/settings";
    /** The property FileInstall stamps on a configuration it made from a file: that file's URL. */
    private static final String FROM_FILE = "felix.fileinstall.filename=";

    private SavedSettings() {
    }

    /**
     * Deletes each saved configuration whose {@code conf/} file no longer exists; returns how many. A file that cannot
     * be read or whose origin cannot be told is left alone.
     */
    static int forgetRemovedFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        List<Path> saved;
        try (Stream<Path> files = Files.walk(folder)) {
            saved = files.filter(p -> p.getFileName().toString().endsWith(".config") && Files.isRegularFile(p))
                    .toList();
        }
        int forgotten = 0;
        for (Path config : saved) {
            Path origin = origin(config);
            if (origin != null && !Files.exists(origin)) {
                Files.delete(config);
                forgotten++;
            }
        }
        return forgotten;
    }

    /** The {@code conf/} file a saved configuration came from, or null (made by a bundle, or unreadable). */
    static Path origin(Path config) {
        try {
            for (String line : Files.readAllLines(config, StandardCharsets.UTF_8)) {
                if (line.startsWith(FROM_FILE)) {
                    String value = line.substring(FROM_FILE.length()).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    // ConfigAdmin escapes backslashes and quotes; a file URL (FileInstall's) has neither otherwise.
                    value = value.replace("\\\"", "\"").replace("\\\\", "\\");
                    return Path.of(URI.create(value));
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}

package org.terroir.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * TERROIR_HOME is this account's only: its folders are created {@code rwx------}, and at each start every file and
 * folder already in it loses the permissions of other accounts (group and others). The launcher script also sets
 * {@code umask 077}, so that what the platform and its worker processes create later is private too. On Windows
 * (no POSIX permissions) nothing is changed: the home lies in the user's profile, closed to other accounts by its
 * access list. The bundles use {@code org.terroir.api.TerroirHome}'s helpers for the same; the launcher has only
 * itself and Felix on its class path, hence these few lines of its own.
 */
final class HomeFiles {
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private HomeFiles() {
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates a folder (and missing parents) with {@code 0700}; an existing one is left to {@link #tighten}. */
    static void createPrivateDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        if (!posix()) {
            Files.createDirectories(absolute);
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.exists(parent)) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created meanwhile
        }
        Files.setPosixFilePermissions(absolute, PRIVATE_DIR);
    }

    /** A file imported as a hard link (library import mode LINK) is also the user's file elsewhere: left alone. */
    private static boolean hardLinked(Path p) throws IOException {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Object links = Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            return links instanceof Integer n && n > 1;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Removes group and other permissions from the home and everything in it (symbolic links are not followed: an
     * external model folder keeps its own, and so does a model imported as a hard link). Returns how many entries
 * changed.
     */
    static int tighten(Path home) throws IOException {
        if (!posix()) {
            return 0;
        }
        int[] changed = { 0 };
        try (Stream<Path> all = Files.walk(home)) {
            all.forEach(p -> {
                try {
                    if (Files.isSymbolicLink(p) || hardLinked(p)) {
                        return;
                    }
                    Set<PosixFilePermission> current = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    Set<PosixFilePermission> wanted = EnumSet.noneOf(PosixFilePermission.class);
                    for (PosixFilePermission permission : current) {
                        if (permission.name().startsWith("OWNER_")) {
                            wanted.add(permission);
                        }
                    }
                    if (!wanted.equals(current)) {
                        Files.setPosixFilePermissions(p, wanted);
                        changed[0]++;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return changed[0];
    }
}

package org.terroir.api;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where Terroir keeps its files: {@code terroir.home} (a property of the framework the api runs in, which the
 * launcher sets; outside a framework, the system property), else {@code TERROIR_HOME} (environment), else
 * {@code ~/.terroir}. Every bundle asks here so that one setting moves everything.
 * <p>
 * Everything under it is the user's only: folders {@code rwx------}, files {@code rw-------} on POSIX systems
 * ({@link #createPrivateDirectories}, {@link #makePrivate}). On Windows these calls do nothing: the home lies in
 * the user's profile, whose access list already keeps other (non-administrator) accounts out.
 */
public final class TerroirHome {
    public static final String PROPERTY = "terroir.home";
    public static final String ENV = "TERROIR_HOME";

    private TerroirHome() {
    }

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates a folder and its missing parents readable by this account only ({@code 0700}) and returns it. An
     * existing folder is left as it is.
     */
    public static Path createPrivateDirectories(Path dir) throws IOException {
        if (!posix()) {
            return Files.createDirectories(dir);
        }
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.exists(parent)) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made by someone else meanwhile
        }
        // The umask may have removed bits, never added some; set them exactly.
        Files.setPosixFilePermissions(absolute, DIRECTORY);
        return dir;
    }

    /** The attribute to create a file with that only this account may read ({@code 0600}); none on Windows. */
    public static java.nio.file.attribute.FileAttribute<?>[] privateFile() {
        return posix() ? new java.nio.file.attribute.FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(FILE) }
                : new java.nio.file.attribute.FileAttribute<?>[0];
    }

    /**
     * Writes a file readable by this account only ({@code 0600} from its first byte), whole or not at all: the text
     * goes to a temporary file beside it that is then moved into place (atomically where the file system can), so
     * that a crash or a full disk never leaves half a file, and a reader sees the old file or the new one. Missing
     * folders are made private ({@code 0700}).
     *
     * @since 1.4
     */
    public static void writePrivate(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createPrivateDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", privateFile());
        try {
            Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes a file ({@code 0600}) or folder ({@code 0700}) readable by this account only; returns whether its
     * permissions changed. Symbolic links are left alone.
     */
    public static boolean makePrivate(Path path) throws IOException {
        if (!posix() || Files.isSymbolicLink(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> wanted = java.util.EnumSet.noneOf(PosixFilePermission.class);
        wanted.addAll(current);
        wanted.removeIf(p -> !p.name().startsWith("OWNER_"));
        wanted.add(PosixFilePermission.OWNER_READ);
        wanted.add(PosixFilePermission.OWNER_WRITE);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            wanted.add(PosixFilePermission.OWNER_EXECUTE);
        }
        if (wanted.equals(current)) {
            return false;
        }
        Files.setPosixFilePermissions(path, wanted);
        return true;
    }

    public static Path root() {
        String home = org.terroir.api.internal.FrameworkProperties.get(PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(ENV);
        }
        if (home == null || home.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".terroir");
        }
        return Path.of(home).toAbsolutePath();
    }

    /** Downloaded and imported models, {@code models/<owner>/<repo>/<file>}. */
    public static Path models() {
        return root().resolve("models");
    }

    /** Conversation history and other databases. */
    public static Path data() {
        return root().resolve("data");
    }

    /** ConfigAdmin configurations ({@code .cfg}/{@code .config} files, hot-reloaded). */
    public static Path conf() {
        return root().resolve("conf");
    }

    /** Plugin bundles, hot-deployed. */
    public static Path plugins() {
        return root().resolve("plugins");
    }

    public static Path logs() {
        return root().resolve("logs");
    }

    /** Files that can be rebuilt: the framework's bundle cache, extracted native libraries. */
    public static Path cache() {
        return root().resolve("cache");
    }
}

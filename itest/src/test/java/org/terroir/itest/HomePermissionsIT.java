package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.testkit.hub.ImitationHub;

/**
 * Another account of this computer reads nothing under TERROIR_HOME: after a session of the real launcher
 * ({@code bin/terroir}: start, an API key, a download, a model loaded, an answer, history database) every file is
 * {@code rw-------} or stricter and every folder {@code rwx------}, including a home whose {@code conf/} was made
 * open before the first start (tightened, with one log line). POSIX systems only.
 */
class HomePermissionsIT {
    @TempDir
    Path dir;

    @Test
    void afterASessionNothingUnderTheHomeIsOpenToOtherAccounts() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path launcher = PlatformFixture.dist().resolve("bin/terroir");
        try (ImitationHub hub = ImitationHub.start()) {
            hub.addTinyLlama("acme/Tiny-GGUF", dir.resolve("hub"));
            Path home = dir.resolve("home");
            Files.createDirectories(home.resolve("conf"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(home.resolve("conf"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Path cfg = Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint()
                    + "\n");
            Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(home.resolve("conf/org.apache.felix.http.cfg"), "org.osgi.service.http.port="
                    + freePort() + "\n");

            ProcessBuilder session = new ProcessBuilder(launcher.toString(), "--home", home.toString(), "--lang", "en",
                    "-c", "keys create ci; pull acme/Tiny-GGUF:Q8_0; load --ctx 256 --threads 2 acme/Tiny-GGUF:Q8_0; "
                            + "ask -n 4 Bonjour; unload")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("session.log").toFile());
            session.environment().remove("TERROIR_HOME");
            Process process = session.start();
            assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the session ended");
            String out = Files.readString(dir.resolve("session.log"), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), out);

            assertTrue(Files.isRegularFile(home.resolve("models/acme/Tiny-GGUF/tiny-Q8_0.gguf")), out);
            assertTrue(Files.isRegularFile(home.resolve("data/web/api-keys.json")), out);
            assertTrue(Files.isRegularFile(home.resolve("data/chat.db")), out);
            List<String> open = openEntries(home);
            assertTrue(open.isEmpty(), "open to other accounts: " + open);
            try (Stream<Path> logs = Files.list(home.resolve("logs"))) {
                String log = logs.filter(p -> p.getFileName().toString().startsWith("terroir.")).map(p -> {
                    try {
                        return Files.readString(p, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                }).reduce("", String::concat);
                assertTrue(log.contains("were open to other accounts of this computer; now this account's only"),
                        "the tightening is logged once: " + log);
            }
        }
    }

    /**
     * The same session in this JVM, whose umask (022) lets new files be readable by all: what Terroir writes itself
     * (history database and its WAL, keys, downloads, logs) is private all the same.
     */
    @Test
    void inAProcessWithAnOpenUmaskTerroirsOwnFilesArePrivateToo() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        try (ImitationHub hub = ImitationHub.start()) {
            hub.addTinyLlama("acme/Tiny-GGUF", dir.resolve("hub"));
            Path home = dir.resolve("home");
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/org.terroir.catalog.cfg"), "endpoint=" + hub.endpoint() + "\n");
            try (PlatformFixture fixture = PlatformFixture.start(home)) {
                PlatformFixture.Result run = fixture.shell("keys create ci; pull acme/Tiny-GGUF:Q8_0; "
                        + "load --ctx 256 --threads 2 acme/Tiny-GGUF:Q8_0; ask -n 4 Bonjour");
                assertEquals(0, run.status(), run.err());
                assertTrue(Files.isRegularFile(home.resolve("data/web/api-keys.json")));
                // A conversation with an answer: the history database and its WAL are written.
                org.osgi.util.tracker.ServiceTracker<ChatService, ChatService> chat = new org.osgi.util.tracker
                        .ServiceTracker<>(fixture.platform.context(), ChatService.class, null);
                chat.open();
                try {
                    ChatService service = chat.waitForService(30_000);
                    String id = service.create(new ConversationSettings("t", fixture.models().loaded().get(0).id(),
                            null, null, null)).id();
                    service.send(id, "Bonjour", text -> {
                    }).await();
                } finally {
                    chat.close();
                }
                // Every folder of the home is closed to others, so nothing in it can be reached; and the files
                // Terroir writes are private themselves, the workers' logs and files included. (The framework's
                // cache is written by code that the umask decides for: 077 from the launcher, see the first test.)
                for (String folder : List.of("", "models", "data", "conf", "plugins", "logs", "cache")) {
                    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                            home.resolve(folder))), "TERROIR_HOME/" + folder);
                }
                List<String> open = new ArrayList<>();
                open.addAll(openEntries(home.resolve("cache/llamacpp")));
                for (String folder : List.of("models", "data")) {
                    open.addAll(openEntries(home.resolve(folder)));
                }
                try (Stream<Path> logs = Files.list(home.resolve("logs"))) {
                    // Terroir's own logs and the llama.cpp workers' (prompts may appear in them)
                    for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("terroir.")
                            || p.getFileName().toString().startsWith("llamacpp-")).toList()) {
                        open.addAll(openEntries(log));
                    }
                }
                assertTrue(Files.isRegularFile(home.resolve("data/chat.db")), "the history is checked too");
                assertTrue(open.isEmpty(), "open to other accounts: " + open);
            }
        }
    }

    /** Every file or folder under the home that gives group or others any permission. */
    static List<String> openEntries(Path home) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.toList()) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (permissions.stream().anyMatch(x -> !x.name().startsWith("OWNER_"))) {
                    open.add(home.relativize(p) + " " + PosixFilePermissions.toString(permissions));
                }
            }
        }
        return open;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

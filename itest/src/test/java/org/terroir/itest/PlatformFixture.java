package org.terroir.itest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.inference.ModelManager;
import org.terroir.launcher.Platform;

/** The assembled platform, booted in this JVM, with helpers to drive it like a person or a program would. */
final class PlatformFixture implements AutoCloseable {
    final Platform platform;
    final Path home;
    private final ServiceTracker<ModelManager, ModelManager> manager;

    private PlatformFixture(Platform platform, Path home) {
        this.platform = platform;
        this.home = home;
        // Held open for the whole test, as a real client would hold its reference.
        this.manager = new ServiceTracker<>(platform.context(), ModelManager.class, null);
        manager.open(true);
    }

    static Path dist() {
        Path dist = Path.of(System.getProperty("terroir.dist", "../distribution/target/terroir"));
        if (!Files.isDirectory(dist.resolve("bundles"))) {
            throw new IllegalStateException("no assembled distribution at " + dist.toAbsolutePath()
                    + ": build it first (mvn install)");
        }
        return dist;
    }

    static PlatformFixture start(Path home) throws Exception {
        return new PlatformFixture(Platform.start(dist(), home, false,
                Map.of(Platform.API_FROM_CLASSPATH, "true")), home);
    }

    ModelManager models() {
        ModelManager found;
        try {
            found = manager.waitForService(Duration.ofSeconds(20).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (found == null) {
            throw new AssertionError("no ModelManager service");
        }
        return found;
    }

    Bundle bundle(String symbolicName) {
        Bundle bundle = platform.bundle(symbolicName);
        if (bundle == null) {
            throw new AssertionError("no bundle " + symbolicName);
        }
        return bundle;
    }

    /** Runs shell commands as the non-interactive launcher does. */
    Result shell(String commands) {
        return shell(commands, "");
    }

    /** Runs shell commands with {@code input} as what the user types (for interactive commands such as chat). */
    Result shell(String commands, String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = platform.execute(commands, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int status, String out, String err) {
    }

    /** The llama.cpp worker processes this JVM has started and that still run. */
    static List<ProcessHandle> workers() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("org.terroir.backend.llamacpp.worker"))
                        .orElse(false))
                .toList();
    }

    @Override
    public void close() throws IOException {
        manager.close();
        platform.close();
    }
}

package org.terroir.catalog.internal.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.catalog.internal.Fixtures;
import org.terroir.catalog.internal.library.ModelStore;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

/** A download whose process is killed with SIGKILL resumes in another process from the surviving .part. */
class KilledDownloadTest {
    @TempDir
    Path tmp;

    @Test
    void aKilledDownloadResumesInANewProcess() throws Exception {
        byte[] model = Fixtures.tinyGguf(tmp, TensorType.F16, 7);
        Path models = tmp.resolve("home/models");
        try (ImitationHub hub = ImitationHub.start()) {
            hub.repo(DownloaderTest.REPO).file("tiny-F16.gguf", model);
            hub.throttle(8192, 25); // slow enough to be killed half-way
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ChildDownload.class.getName(), hub.endpoint().toString(), models.toString(), DownloaderTest.REPO,
                    "tiny-F16.gguf").redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            ModelStore store = new ModelStore(models, List.of());
            Path part = store.partFor(DownloaderTest.REPO, "tiny-F16.gguf");
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (!(Files.exists(part) && Files.size(part) >= 100_000)) {
                    assertTrue(child.isAlive(), () -> "child ended early: " + log());
                    assertTrue(System.nanoTime() < deadline, "no progress in the child");
                    Thread.sleep(20);
                }
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                child.waitFor(30, TimeUnit.SECONDS);
            }
            assertFalse(child.isAlive());
            long kept = Files.size(part);
            assertTrue(kept >= 100_000 && kept < model.length, "kept " + kept + " of " + model.length);
            assertTrue(Files.exists(store.sidecarFor(DownloaderTest.REPO, "tiny-F16.gguf")));

            hub.throttle(0, 0);
            hub.clearLog();
            try (FileDownloader again = new FileDownloader(Fixtures.client(hub, null), store, FreeSpace.FILE_STORE, 0, 1)) {
                LibraryModel m = again.download(DownloaderTest.REPO, "tiny-F16.gguf", null).await(Duration.ofMinutes(2));
                assertEquals(hub.repo(DownloaderTest.REPO).sha256("tiny-F16.gguf"), FileDownloader.sha256(m.path()));
            }
            String cdn = hub.log().stream().filter(l -> l.contains("/cdn/")).findFirst().orElseThrow();
            // The new process asks only for what the killed one did not write.
            assertTrue(cdn.contains("[Range: bytes=" + kept + "-]"), cdn + " kept " + kept);
            assertFalse(Files.exists(part));
        }
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("child.log"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

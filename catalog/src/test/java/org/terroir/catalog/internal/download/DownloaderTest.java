package org.terroir.catalog.internal.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.Download;
import org.terroir.api.catalog.DownloadProgress;
import org.terroir.api.catalog.DownloadState;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.catalog.internal.Fixtures;
import org.terroir.catalog.internal.library.ModelStore;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

class DownloaderTest {
    static final String REPO = "acme/tiny-GGUF";
    static final String FILE = "tiny-Q8_0.gguf";
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path tmp;
    private ImitationHub hub;
    private ModelStore store;
    private byte[] model;
    private FileDownloader downloader;

    @BeforeEach
    void start() {
        hub = ImitationHub.start();
        model = Fixtures.tinyGguf(tmp, TensorType.Q8_0, 3);
        hub.repo(REPO).file(FILE, model);
        store = new ModelStore(tmp.resolve("home/models"), List.of());
    }

    @AfterEach
    void stop() {
        if (downloader != null) {
            downloader.close();
        }
        hub.close();
    }

    private FileDownloader downloader(FreeSpace space) {
        downloader = new FileDownloader(Fixtures.client(hub, null), store, space, 1 << 20, 2);
        return downloader;
    }

    private List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private List<String> cdnRequests() {
        return hub.log().stream().filter(l -> l.contains("/cdn/")).toList();
    }

    @Test
    void downloadsVerifiesAndMovesIntoTheLibrary() throws Exception {
        List<DownloadProgress> seen = new CopyOnWriteArrayList<>();
        LibraryModel m = downloader(FreeSpace.FILE_STORE).download(REPO, FILE, seen::add).await(WAIT);
        Path expected = store.root().resolve(REPO).resolve(FILE);
        assertEquals(expected, m.path());
        assertEquals(List.of(expected), filesUnder(store.root()), "no .part or sidecar left");
        assertEquals(hub.repo(REPO).sha256(FILE), FileDownloader.sha256(expected));
        assertEquals("llama", m.architecture());
        assertEquals("Q8_0", m.quantization());
        DownloadProgress last = seen.get(seen.size() - 1);
        assertEquals(DownloadState.COMPLETED, last.state());
        assertEquals(model.length, last.bytes());
        assertEquals(model.length, last.total());
        assertTrue(seen.stream().anyMatch(p -> p.state() == DownloadState.VERIFYING));
        assertTrue(hub.log().stream().anyMatch(l -> l.startsWith("HEAD /" + REPO + "/resolve/main/" + FILE)));

        // Pulling it again fetches nothing.
        long served = hub.bytesServed();
        assertEquals(expected, downloader.download(REPO, FILE, null).await(WAIT).path());
        assertEquals(served, hub.bytesServed());
    }

    @Test
    void aConnectionCutMidDownloadResumesWithRange() throws Exception {
        hub.cutAfter(100_000, 1);
        List<DownloadProgress> seen = new CopyOnWriteArrayList<>();
        LibraryModel m = downloader(FreeSpace.FILE_STORE).download(REPO, FILE, seen::add).await(WAIT);
        assertEquals(hub.repo(REPO).sha256(FILE), FileDownloader.sha256(m.path()));
        List<String> cdn = cdnRequests();
        assertEquals(2, cdn.size(), cdn.toString());
        assertFalse(cdn.get(0).contains("Range"), cdn.toString());
        // The client keeps what reached it before the cut (bytes still in flight may be lost with the connection).
        long resumedAt = Long.parseLong(cdn.get(1).replaceAll(".*\\[Range: bytes=(\\d+)-].*", "$1"));
        assertTrue(resumedAt > 0 && resumedAt <= 100_000, cdn.toString());
        assertTrue(seen.stream().anyMatch(p -> p.state() == DownloadState.RETRYING));
        assertEquals(100_000 + model.length - resumedAt, hub.bytesServed(), "only the missing bytes asked again");
    }

    @Test
    void aServerThatIgnoresRangeMakesItStartAgainFromZero() throws Exception {
        hub.cutAfter(100_000, 1).ignoreRange(true);
        List<DownloadProgress> seen = new CopyOnWriteArrayList<>();
        LibraryModel m = Fixtures.inLanguage("en",
                () -> await(downloader(FreeSpace.FILE_STORE).download(REPO, FILE, seen::add)));
        assertEquals(hub.repo(REPO).sha256(FILE), FileDownloader.sha256(m.path()));
        assertTrue(seen.stream().anyMatch(p -> p.message().contains("ignored the resume request")), seen.toString());
        assertEquals(100_000 + model.length, hub.bytesServed());
    }

    @Test
    void aCorruptedByteFailsTheChecksumAndLeavesNothing() throws Exception {
        hub.corruptByte(1234);
        TerroirException en = Fixtures.inLanguage("en", () -> assertThrows(TerroirException.class,
                () -> downloader(FreeSpace.FILE_STORE).download(REPO, FILE, null).await(WAIT)));
        assertEquals("download.checksum", en.code());
        assertTrue(en.getMessage().contains("nothing was added to the library"), en.getMessage());
        assertTrue(en.getMessage().contains(hub.repo(REPO).sha256(FILE)), en.getMessage());
        assertEquals(List.of(), filesUnder(store.root()));
        assertTrue(store.list().isEmpty());
        TerroirException fr = Fixtures.inLanguage("fr", () -> assertThrows(TerroirException.class,
                () -> downloader.download(REPO, FILE, null).await(WAIT)));
        assertTrue(fr.getMessage().contains("rien n'a été ajouté"), fr.getMessage());
        assertEquals(List.of(), filesUnder(store.root()));
    }

    @Test
    void tooLittleDiskSpaceIsRefusedBeforeTheFirstByte() throws Exception {
        FreeSpace nearlyFull = dir -> 300_000;
        List<DownloadProgress> seen = new CopyOnWriteArrayList<>();
        TerroirException e = Fixtures.inLanguage("en", () -> assertThrows(TerroirException.class,
                () -> downloader(nearlyFull).download(REPO, FILE, seen::add).await(WAIT)));
        assertEquals("download.no-space", e.code());
        assertTrue(e.getMessage().contains("Not enough disk space") && e.getMessage().contains("300 kB free"),
                e.getMessage());
        assertEquals(0, hub.bytesServed());
        assertEquals(List.of(), cdnRequests());
        assertFalse(Files.exists(store.partFor(REPO, FILE)));
        assertEquals(DownloadState.FAILED, seen.get(seen.size() - 1).state());
    }

    @Test
    void aDiskThatFillsUpWhileWritingStopsTheDownloadAndKeepsThePart() throws Exception {
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        // Room enough when starting; then another program fills the disk.
        FreeSpace filling = dir -> checks.getAndIncrement() == 0 ? 10_000_000_000L : 1_000;
        TerroirException e = Fixtures.inLanguage("fr", () -> assertThrows(TerroirException.class,
                () -> downloader(filling).spaceCheckEvery(64 * 1024).download(REPO, FILE, null).await(WAIT)));
        assertEquals("download.disk-full", e.code());
        assertTrue(e.getMessage().contains("Le disque s'est rempli"), e.getMessage());
        long kept = Files.size(store.partFor(REPO, FILE));
        assertTrue(kept > 0 && kept < model.length, "kept " + kept);
        assertFalse(Files.exists(store.fileFor(REPO, FILE)));
    }

    @Test
    void aStalledConnectionIsDroppedAndResumed() throws Exception {
        hub.throttle(200_000, 30_000); // 200 kB, then silence far longer than the read timeout
        downloader = new FileDownloader(new org.terroir.catalog.internal.hub.HubClient(
                org.terroir.catalog.internal.hub.HubSettings.forEndpoint(hub.endpoint(), null)
                        .withRetries(3, Duration.ofMillis(10)).withReadTimeout(Duration.ofSeconds(1))),
                store, FreeSpace.FILE_STORE, 0, 1);
        List<DownloadProgress> seen = new CopyOnWriteArrayList<>();
        LibraryModel m = Fixtures.inLanguage("en", () -> await(downloader.download(REPO, FILE, seen::add)));
        assertEquals(hub.repo(REPO).sha256(FILE), FileDownloader.sha256(m.path()));
        assertTrue(seen.stream().anyMatch(p -> p.message().contains("no data for 1 seconds")), seen.toString());
        assertTrue(cdnRequests().stream().anyMatch(l -> l.contains("[Range: bytes=")), cdnRequests().toString());
    }

    @Test
    void cancelKeepsThePartAndTheNextPullResumes() throws Exception {
        hub.throttle(4096, 20);
        Download d = downloader(FreeSpace.FILE_STORE).download(REPO, FILE, null);
        while (d.progress().bytes() < 20_000) {
            assertFalse(d.progress().state().isFinal(), d.progress().toString());
            Thread.sleep(10);
        }
        d.cancel();
        TerroirException e = assertThrows(TerroirException.class, () -> d.await(WAIT));
        assertEquals("download.cancelled", e.code());
        assertEquals(DownloadState.CANCELLED, d.progress().state());
        Path part = store.partFor(REPO, FILE);
        long kept = Files.size(part);
        assertTrue(kept >= 20_000 && kept < model.length, "kept " + kept);
        assertFalse(Files.exists(store.fileFor(REPO, FILE)));

        hub.throttle(0, 0);
        hub.clearLog();
        LibraryModel m = downloader.download(REPO, FILE, null).await(WAIT);
        assertEquals(hub.repo(REPO).sha256(FILE), FileDownloader.sha256(m.path()));
        assertTrue(cdnRequests().get(0).contains("[Range: bytes=" + kept + "-]"), cdnRequests().toString());
    }

    @Test
    void severalDownloadsRunAtOnce() throws Exception {
        byte[] other = Fixtures.tinyGguf(tmp, TensorType.F16, 4);
        hub.repo("acme/other-GGUF").file("other-F16.gguf", other);
        hub.throttle(16_384, 5);
        FileDownloader dl = downloader(FreeSpace.FILE_STORE);
        Download a = dl.download(REPO, FILE, null);
        Download b = dl.download("acme/other-GGUF", "other-F16.gguf", null);
        assertEquals(2, dl.active().size());
        assertEquals(FILE, a.await(WAIT).file());
        assertEquals("other-F16.gguf", b.await(WAIT).file());
        assertEquals(2, store.own().size());
        assertEquals("F16", store.find("acme/other-GGUF:f16").orElseThrow().quantization());
    }

    @Test
    void aGatedRepositoryWithoutTokenFailsClearlyAndWritesNothing() throws Exception {
        hub.repo("acme/gated-GGUF").gated(true).file("g-Q8_0.gguf", model);
        TerroirException e = assertThrows(TerroirException.class,
                () -> downloader(FreeSpace.FILE_STORE).download("acme/gated-GGUF", "g-Q8_0.gguf", null).await(WAIT));
        assertEquals("hub.gated", e.code());
        assertEquals(List.of(), filesUnder(store.root()));
    }

    private static LibraryModel await(Download d) {
        try {
            return d.await(WAIT);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.terroir.shell.internal.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.terroir.api.ModelFormat;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.Download;
import org.terroir.api.catalog.DownloadListener;
import org.terroir.api.catalog.DownloadProgress;
import org.terroir.api.catalog.DownloadState;
import org.terroir.api.catalog.Downloader;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.ModelKind;
import org.terroir.api.catalog.ModelSource;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;

/**
 * The commands' presentation and choices. The catalog bundle's services have their own tests against the
 * imitation Hub; here small fixed catalogs stand in for them, since the shell does not depend on that bundle.
 */
class CatalogCommandsTest {
    @AfterEach
    void restore() {
        System.clearProperty("terroir.lang");
    }

    private static String run(String lang, ThrowingConsumer command) {
        System.setProperty("terroir.lang", lang);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            command.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingConsumer {
        void accept(PrintStream out) throws InterruptedException;
    }

    private static ModelFile file(String name, String quant, long size, FitBadge fit) {
        return new ModelFile(name, quant, size, "ab".repeat(32), fit, "");
    }

    private static CatalogEntry entry(String repo, FitBadge fit, String catalog, ModelFile... files) {
        return new CatalogEntry(repo, repo.split("/")[0], 10, 1, -1, List.of(files), false, false, ModelKind.CHAT,
                files.length == 0 ? null : files[0].name(), "", null, true, fit, catalog);
    }

    /** A catalog answering from a fixed list, or failing like an unreachable Hub. */
    record FixedCatalog(String id, List<CatalogEntry> entries, boolean offline) implements ModelCatalog {
        @Override
        public SearchPage search(SearchQuery query) {
            check();
            return new SearchPage(entries, null);
        }

        @Override
        public CatalogEntry describe(String repo, boolean checkFit) {
            check();
            return entries.stream().filter(e -> e.repo().equals(repo)).findFirst()
                    .orElseThrow(() -> new TerroirException("hub.repo-not-found", "not found: " + repo));
        }

        private void check() {
            if (offline) {
                throw new TerroirException("hub.unreachable", "Cannot reach the Hub at http://127.0.0.1:9");
            }
        }
    }

    private static CatalogCommands commands(ModelCatalog... catalogs) {
        CatalogCommands c = new CatalogCommands();
        c.catalogs = List.of(catalogs);
        return c;
    }

    @Test
    void searchShowsModelsThatFitFirst() {
        CatalogCommands c = commands(new FixedCatalog("huggingface", List.of(
                entry("a/huge", FitBadge.TOO_LARGE, "huggingface", file("huge-Q4_K_M.gguf", "Q4_K_M", 40_000_000_000L, FitBadge.TOO_LARGE)),
                entry("a/unknown", FitBadge.UNKNOWN, "huggingface"),
                entry("a/small", FitBadge.FITS, "huggingface", file("small-Q4_K_M.gguf", "Q4_K_M", 400_000_000L, FitBadge.FITS)),
                entry("a/medium", FitBadge.PARTLY_FITS, "huggingface")), false));
        String en = run("en", out -> c.search(out, SearchQuery.of("a").withCheckFit(true), false));
        List<Integer> order = List.of(en.indexOf("a/small"), en.indexOf("a/medium"), en.indexOf("a/unknown"),
                en.indexOf("a/huge"));
        assertEquals(order.stream().sorted().toList(), order, en);
        assertTrue(en.contains("[fits]") && en.contains("[too large]") && en.contains("recommended: small-Q4_K_M.gguf"), en);
        String fr = run("fr", out -> c.search(out, SearchQuery.of("a"), false));
        assertTrue(fr.contains("[tient]") && fr.contains("[trop gros]") && fr.contains("conseillé"), fr);
    }

    @Test
    void withoutNetworkSearchFallsBackOnTheStarterList() {
        CatalogCommands c = commands(new FixedCatalog("huggingface", List.of(), true),
                new FixedCatalog("starter", List.of(entry("Qwen/Qwen2.5-0.5B-Instruct-GGUF", FitBadge.FITS, "starter",
                        file("qwen2.5-0.5b-instruct-q4_k_m.gguf", "Q4_K_M", 491_000_000L, FitBadge.FITS))), false));
        String en = run("en", out -> c.search(out, SearchQuery.of("qwen"), false));
        assertTrue(en.contains("Cannot reach the Hub") && en.contains("starter list")
                && en.contains("Qwen/Qwen2.5-0.5B-Instruct-GGUF"), en);
    }

    @Test
    void pullPicksTheFileOfTheQuantisationAndDrawsProgress() {
        CatalogEntry e = entry("a/m-GGUF", FitBadge.FITS, "huggingface", file("m-Q4_K_M.gguf", "Q4_K_M", 4000, FitBadge.FITS),
                file("m-Q8_0.gguf", "Q8_0", 8000, FitBadge.FITS), file("README.md", null, 10, FitBadge.UNKNOWN));
        CatalogCommands c = commands(new FixedCatalog("huggingface", List.of(e), false));
        RecordingDownloader d = new RecordingDownloader(false);
        c.downloader = d;
        String en = run("en", out -> c.pull(out, "a/m-GGUF:q8_0"));
        assertEquals(List.of("a/m-GGUF/m-Q8_0.gguf"), d.requested);
        assertTrue(en.contains("\r[###############---------------]  50%"), en);
        assertTrue(en.contains("Ready: a/m-GGUF/m-Q8_0.gguf") && en.contains("load a/m-GGUF:Q8_0"), en);
        run("en", out -> c.pull(out, "a/m-GGUF"));
        assertEquals("a/m-GGUF/m-Q4_K_M.gguf", d.requested.get(1), "the recommended file by default");
        TerroirException none = assertThrows(TerroirException.class, () -> run("fr", out -> c.pull(out, "a/m-GGUF:IQ2_XS")));
        assertTrue(none.getMessage().contains("Q4_K_M, Q8_0"), none.getMessage());
    }

    @Test
    void interruptingPullCancelsTheDownloadAndSaysThePartIsKept() throws Exception {
        CatalogCommands c = commands(new FixedCatalog("huggingface", List.of(entry("a/m-GGUF", FitBadge.FITS,
                "huggingface", file("m-Q8_0.gguf", "Q8_0", 8000, FitBadge.FITS))), false));
        RecordingDownloader d = new RecordingDownloader(true);
        c.downloader = d;
        System.setProperty("terroir.lang", "en");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try {
                c.pull(out, "a/m-GGUF:Q8_0");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        while (d.requested.isEmpty()) {
            Thread.sleep(5);
        }
        t.interrupt(); // what Ctrl-C does to a Gogo command
        t.join();
        assertTrue(d.cancelled.get());
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Cancelled. The 4.00 KB already downloaded are kept"), text);
    }

    @Test
    void etaReadsAsMinutesAndSeconds() {
        assertEquals("1:05", ProgressBar.eta(Duration.ofSeconds(65)));
        assertEquals("2:00:00", ProgressBar.eta(Duration.ofHours(2)));
    }

    /** Reports half the file, then completes (or waits for ever when {@code hang}). */
    static final class RecordingDownloader implements Downloader {
        final List<String> requested = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        private final boolean hang;

        RecordingDownloader(boolean hang) {
            this.hang = hang;
        }

        @Override
        public Download download(String repo, String file, DownloadListener listener) {
            DownloadProgress half = new DownloadProgress(repo, file, 4000, 8000, 1000, Duration.ofSeconds(4),
                    DownloadState.DOWNLOADING, "");
            listener.progress(half);
            CompletableFuture<LibraryModel> result = new CompletableFuture<>();
            if (!hang) {
                result.complete(new LibraryModel(repo + "/" + file, repo, file, Path.of("/models", repo, file),
                        ModelFormat.GGUF, 8000, file.contains("Q8_0") ? "Q8_0" : "Q4_K_M", "llama", ModelSource.TERROIR, ""));
            }
            requested.add(repo + "/" + file);
            return new Download() {
                @Override
                public String repo() {
                    return repo;
                }

                @Override
                public String file() {
                    return file;
                }

                @Override
                public DownloadProgress progress() {
                    return half;
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }

                @Override
                public CompletionStage<LibraryModel> result() {
                    return result;
                }

                @Override
                public LibraryModel await(Duration timeout) {
                    return result.join();
                }
            };
        }

        @Override
        public List<Download> active() {
            return new ArrayList<>();
        }
    }
}

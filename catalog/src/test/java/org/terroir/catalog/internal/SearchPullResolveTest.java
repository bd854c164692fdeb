package org.terroir.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.catalog.internal.download.FileDownloader;
import org.terroir.catalog.internal.download.FreeSpace;
import org.terroir.catalog.internal.hub.FitJudge;
import org.terroir.catalog.internal.hub.HubCatalog;
import org.terroir.catalog.internal.hub.HubClient;
import org.terroir.catalog.internal.library.ModelStore;
import org.terroir.gguf.GgufFile;
import org.terroir.gguf.GgufReader;
import org.terroir.hardware.internal.ProbingHardwareAdvisor;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

/** The path a person takes: search (with fit), pull the recommended file, then name it as `load` would. */
class SearchPullResolveTest {
    @TempDir
    Path tmp;

    @Test
    void fromSearchToALoadableLibraryName() throws Exception {
        try (ImitationHub hub = ImitationHub.start()) {
            hub.repo("acme/tiny-GGUF").downloads(42).file("tiny-Q8_0.gguf", Fixtures.tinyGguf(tmp, TensorType.Q8_0, 5))
                    .file("tiny-Q4_0.gguf", Fixtures.tinyGguf(tmp, TensorType.Q4_0, 5)).text("README.md", "# tiny");
            HubClient client = Fixtures.client(hub, null);
            ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor();
            HubCatalog catalog = new HubCatalog(client, new FitJudge(client, () -> advisor));
            CatalogEntry found = catalog.search(SearchQuery.of("tiny").withCheckFit(true)).entries().get(0);
            assertEquals(FitBadge.FITS, found.fit());
            assertEquals("tiny-Q4_0.gguf", found.recommendedFile(), "a 4-bit file is recommended");

            ModelStore store = new ModelStore(tmp.resolve("home/models"), List.of());
            try (FileDownloader downloader = new FileDownloader(client, store, FreeSpace.FILE_STORE, 0, 2)) {
                LibraryModel pulled = downloader.download(found.repo(), found.recommendedFile(), null)
                        .await(Duration.ofMinutes(2));
                assertEquals("acme/tiny-GGUF/tiny-Q4_0.gguf", pulled.name());
            }
            for (String ref : List.of("acme/tiny-GGUF:Q4_0", "acme/tiny-GGUF:q4_0", "acme/tiny-GGUF/tiny-Q4_0.gguf",
                    "acme/tiny-GGUF")) {
                Path p = store.find(ref).orElseThrow(() -> new AssertionError(ref)).path();
                GgufFile g = GgufReader.read(p); // what the runtime validates before a backend sees the file
                assertEquals("llama", g.architecture(), ref);
            }
            assertTrue(store.find("acme/tiny-GGUF:Q8_0").isEmpty(), "not pulled");
        }
    }
}

package org.terroir.catalog.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.catalog.internal.Fixtures;
import org.terroir.hardware.internal.ProbingHardwareAdvisor;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

/** Fit badges from the header of remote files, judged by the real hardware advisor. */
class HubCatalogTest {
    @TempDir
    Path tmp;
    private ImitationHub hub;
    private final ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor();
    private byte[] q8;

    @BeforeEach
    void start() {
        hub = ImitationHub.start();
        q8 = Fixtures.tinyGguf(tmp, TensorType.Q8_0, 21);
        hub.repo("acme/tiny-GGUF").downloads(5).file("tiny-Q8_0.gguf", q8)
                .file("tiny-F16.gguf", Fixtures.tinyGguf(tmp, TensorType.F16, 21)).text("README.md", "# tiny");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void everyGgufFileGetsABadgeFromItsHeaderOnly() {
        HubClient client = Fixtures.client(hub, null);
        // A first range of 256 bytes is too short: the reader asks for more and the judge fetches it.
        HubCatalog catalog = new HubCatalog(client, new FitJudge(client, () -> advisor, 256));
        CatalogEntry e = catalog.describe("acme/tiny-GGUF", true);
        assertEquals("tiny-Q8_0.gguf", e.recommendedFile());
        for (ModelFile f : e.files()) {
            if (f.isGguf()) {
                assertEquals(FitBadge.FITS, f.fit(), f.name() + ": " + f.fitDetail());
                assertFalse(f.fitDetail().isEmpty());
            } else {
                assertEquals(FitBadge.UNKNOWN, f.fit());
            }
        }
        assertEquals(FitBadge.FITS, e.fit());
        List<String> ranges = hub.log().stream().filter(l -> l.contains("/cdn/")).toList();
        assertTrue(ranges.size() >= 4, "at least two ranges per file: " + ranges);
        assertTrue(ranges.stream().allMatch(l -> l.contains("[Range: bytes=0-")), ranges.toString());
        long read = ranges.stream().mapToLong(l -> Long.parseLong(l.replaceAll(".*bytes=0-(\\d+)].*", "$1")) + 1).max()
                .orElseThrow();
        assertTrue(read < q8.length, "read " + read + " of " + q8.length + ": only the header");
    }

    @Test
    void aFileWhoseArchitectureNoEngineLoadsIsMarkedBeforeDownload() {
        HubClient client = Fixtures.client(hub, null);
        FitJudge judge = new FitJudge(client, () -> advisor, 256);
        List<String> asked = new java.util.ArrayList<>();
        judge.engines(arch -> {
            asked.add(arch);
            return !arch.equals("llama"); // an installed engine that knows every architecture but this one
        });
        CatalogEntry e = new HubCatalog(client, judge).describe("acme/tiny-GGUF", true);
        for (ModelFile f : e.files()) {
            if (f.isGguf()) {
                assertEquals(FitBadge.UNSUPPORTED, f.fit(), f.name());
                assertTrue(f.fitDetail().contains("llama"), f.fitDetail());
            }
        }
        assertTrue(asked.contains("llama"), asked.toString());
    }

    @Test
    void onnxFilesGetABadgeFromTheirSizeAndTheirExternalData() {
        int data = 8 << 20;
        hub.repo("acme/tiny-ONNX").file("onnx/model.onnx", new byte[4096]).file("onnx/model.onnx_data",
                new byte[data]).file("onnx/decoder.onnx", new byte[2048]).text("tokenizer.json", "{}");
        HubClient client = Fixtures.client(hub, null);
        CatalogEntry e = new HubCatalog(client, new FitJudge(client, () -> advisor)).describe("acme/tiny-ONNX", true);
        ModelFile model = e.files().stream().filter(f -> f.name().equals("onnx/model.onnx")).findFirst().orElseThrow();
        assertEquals(FitBadge.FITS, model.fit(), model.fitDetail());
        // the reason's first figure is what it needs: the model with its external data, not the model alone
        assertEquals(needs(advisor.fitOnnx(4096 + data, "m").reason()), needs(model.fitDetail()));
        assertFalse(needs(advisor.fitOnnx(4096, "m").reason()).equals(needs(model.fitDetail())), model.fitDetail());
        assertTrue(model.fitDetail().length() > needs(model.fitDetail()).length());
        ModelFile decoder = e.files().stream().filter(f -> f.name().equals("onnx/decoder.onnx")).findFirst()
                .orElseThrow();
        assertEquals(needs(advisor.fitOnnx(2048, "m").reason()), needs(decoder.fitDetail()));
        assertEquals(FitBadge.UNKNOWN, e.files().stream().filter(f -> f.name().equals("tokenizer.json")).findFirst()
                .orElseThrow().fit());
        assertTrue(hub.log().stream().noneMatch(l -> l.contains("/cdn/")), "no byte of the weights read");
    }

    private static String needs(String reason) {
        return reason.substring(0, reason.indexOf(','));
    }

    @Test
    void withoutAnAdvisorBadgesAreUnknownAndNothingIsRead() {
        HubClient client = Fixtures.client(hub, null);
        HubCatalog catalog = new HubCatalog(client, new FitJudge(client, () -> null));
        CatalogEntry e = catalog.describe("acme/tiny-GGUF", true);
        assertTrue(e.files().stream().allMatch(f -> f.fit() == FitBadge.UNKNOWN));
        assertTrue(hub.log().stream().noneMatch(l -> l.contains("/cdn/")));
    }

    @Test
    void searchWithFitJudgesTheRecommendedFileOfEachEntry() {
        HubClient client = Fixtures.client(hub, null);
        HubCatalog catalog = new HubCatalog(client, new FitJudge(client, () -> advisor));
        CatalogEntry e = catalog.search(SearchQuery.of("tiny").withCheckFit(true)).entries().get(0);
        assertEquals(FitBadge.FITS, e.fit());
        assertEquals("tiny-Q8_0.gguf", e.recommendedFile());
        assertEquals(3, e.files().size());
    }
}

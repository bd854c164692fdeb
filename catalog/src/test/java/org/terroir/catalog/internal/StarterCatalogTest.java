package org.terroir.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.ModelKind;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.catalog.internal.hub.HubClient;
import org.terroir.catalog.internal.hub.HubSettings;
import org.terroir.catalog.internal.starter.StarterCatalog;
import org.terroir.hardware.internal.ProbingHardwareAdvisor;

class StarterCatalogTest {
    @Test
    void withNoNetworkTheHubFailsClearlyAndTheStarterListStillAnswers() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HubClient offline = new HubClient(HubSettings.forEndpoint(URI.create("http://127.0.0.1:" + closedPort), null));
        TerroirException e = assertThrows(TerroirException.class, () -> offline.search(SearchQuery.of("qwen")));
        assertEquals("hub.unreachable", e.code());
        assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());

        StarterCatalog starter = new StarterCatalog(() -> null);
        List<CatalogEntry> qwen = starter.search(SearchQuery.of("qwen")).entries();
        assertFalse(qwen.isEmpty());
        assertTrue(qwen.stream().allMatch(c -> c.repo().toLowerCase().contains("qwen")));
    }

    @Test
    void everyEntryIsMarkedNotVerifiedWithFileSizeAndTier() {
        StarterCatalog starter = new StarterCatalog(() -> null);
        List<CatalogEntry> all = starter.search(SearchQuery.of("").withLimit(100)).entries();
        assertTrue(all.size() >= 15, "models: " + all.size());
        for (CatalogEntry c : all) {
            assertFalse(c.verified(), c.repo());
            assertTrue(c.tier() != null && c.recommendedFile() != null, c.repo());
            assertTrue(c.files().get(0).sizeBytes() > 0, c.repo());
            assertTrue(c.repo().matches("[^/]+/[^/]+"), c.repo());
        }
        String en = Fixtures.inLanguage("en", () -> all.get(0).description());
        assertTrue(en.contains("not verified"), en);
        String fr = Fixtures.inLanguage("fr", () -> starter.describe(all.get(0).repo(), false).description());
        assertTrue(fr.contains("non vérifié"), fr);
        // French-capable chat models come first; embedding models are there too.
        assertTrue(starter.french(all.get(0).repo()));
        assertTrue(all.stream().anyMatch(c -> c.kind() == ModelKind.EMBEDDING));
        assertTrue(all.stream().filter(c -> c.kind() == ModelKind.CHAT).allMatch(c -> starter.french(c.repo())));
        // The guide: start with a model under 4 GB; the list opens with one.
        assertTrue(all.get(0).files().get(0).sizeBytes() < 4_000_000_000L);
    }

    @Test
    void pagesAndUnknownRepositories() {
        StarterCatalog starter = new StarterCatalog(() -> null);
        SearchPage first = starter.search(SearchQuery.of("").withLimit(5));
        assertEquals(5, first.entries().size());
        SearchPage second = starter.search(SearchQuery.of("").withLimit(5).withPage(first.nextPage()));
        assertNotEquals(first.entries().get(0).repo(), second.entries().get(0).repo());
        TerroirException e = assertThrows(TerroirException.class, () -> starter.describe("nobody/nothing", false));
        assertEquals("starter.unknown", e.code());
    }

    @Test
    void theAdvisorsTierGivesBadgesOffline() {
        ProbingHardwareAdvisor advisor = new ProbingHardwareAdvisor();
        StarterCatalog starter = new StarterCatalog(() -> advisor);
        List<CatalogEntry> all = starter.search(SearchQuery.of("").withLimit(100).withCheckFit(true)).entries();
        assertTrue(all.stream().noneMatch(c -> c.fit() == FitBadge.UNKNOWN));
        // The smallest tier fits any machine the advisor puts in a tier; the 70B does not fit a small one.
        assertEquals(FitBadge.FITS, all.get(0).fit());
    }
}

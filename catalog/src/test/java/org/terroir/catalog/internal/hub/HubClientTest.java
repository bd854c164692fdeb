package org.terroir.catalog.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.api.catalog.SortOrder;
import org.terroir.catalog.internal.Fixtures;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.hub.ImitationHub;

class HubClientTest {
    @TempDir
    Path tmp;
    private ImitationHub hub;
    private byte[] q8;

    @BeforeEach
    void start() {
        hub = ImitationHub.start();
        q8 = Fixtures.tinyGguf(tmp, TensorType.Q8_0, 1);
        for (int i = 1; i <= 5; i++) {
            hub.repo("acme/tiny" + i + "-GGUF").downloads(100 * i).likes(10 - i).file("tiny" + i + "-Q8_0.gguf", q8);
        }
        hub.repo("acme/not-gguf").downloads(1000).text("config.json", "{}");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void searchFollowsTheLinkHeaderToTheLastPage() {
        HubClient client = Fixtures.client(hub, null);
        List<String> repos = new ArrayList<>();
        SearchQuery q = SearchQuery.of("acme").withLimit(2);
        int pages = 0;
        SearchPage page;
        do {
            page = client.search(q);
            page.entries().forEach(e -> repos.add(e.repo()));
            q = q.withPage(page.nextPage());
            pages++;
        } while (page.nextPage() != null);
        assertEquals(3, pages);
        assertEquals(List.of("acme/tiny5-GGUF", "acme/tiny4-GGUF", "acme/tiny3-GGUF", "acme/tiny2-GGUF",
                "acme/tiny1-GGUF"), repos, "sorted by downloads, GGUF repositories only");
        CatalogEntry first = client.search(SearchQuery.of("tiny").withSort(SortOrder.LIKES)).entries().get(0);
        assertEquals("acme/tiny1-GGUF", first.repo());
        assertEquals("acme", first.author());
        assertEquals(9, first.likes());
        assertTrue(hub.log().stream().anyMatch(l -> l.contains("sort=likes")));
    }

    @Test
    void modelInfoListsEveryFileWithSizeShaAndQuantisation() {
        hub.repo("acme/tiny1-GGUF").text("README.md", "# tiny");
        CatalogEntry e = Fixtures.client(hub, null).modelInfo("acme/tiny1-GGUF");
        ModelFile f = e.file("tiny1-Q8_0.gguf").orElseThrow();
        assertEquals(q8.length, f.sizeBytes());
        assertEquals(hub.repo("acme/tiny1-GGUF").sha256("tiny1-Q8_0.gguf"), f.sha256());
        assertEquals("Q8_0", f.quantization());
        ModelFile readme = e.file("README.md").orElseThrow();
        assertEquals(6, readme.sizeBytes());
        assertNull(readme.sha256(), "a git blob id is not a SHA-256");
        assertTrue(hub.log().stream().anyMatch(l -> l.contains("blobs=true")));
        List<ModelFile> tree = Fixtures.client(hub, null).tree("acme/tiny1-GGUF");
        assertEquals(f.sha256(), tree.stream().filter(ModelFile::isGguf).findFirst().orElseThrow().sha256());
    }

    @Test
    void headReadsTheLinkedSizeAndEtagWithoutFollowingTheRedirect() {
        RemoteFile r = Fixtures.client(hub, null).head("acme/tiny1-GGUF", "tiny1-Q8_0.gguf");
        assertEquals(q8.length, r.size());
        assertEquals(hub.repo("acme/tiny1-GGUF").sha256("tiny1-Q8_0.gguf"), r.sha256());
        assertNotNull(r.commit());
        assertTrue(hub.log().stream().noneMatch(l -> l.contains("/cdn/")));
    }

    @Test
    void unknownRepositoryIsExplainedInBothLanguages() {
        HubClient client = Fixtures.client(hub, null);
        Map<String, String> messages = Map.of(
                "en", Fixtures.inLanguage("en", () -> failure(() -> client.modelInfo("acme/nothing")).getMessage()),
                "fr", Fixtures.inLanguage("fr", () -> failure(() -> client.modelInfo("acme/nothing")).getMessage()));
        assertEquals("hub.repo-not-found-no-token", failure(() -> client.modelInfo("acme/nothing")).code());
        assertTrue(messages.get("en").contains("acme/nothing was not found") && messages.get("en").contains("HF_TOKEN"),
                messages.get("en"));
        assertTrue(messages.get("fr").contains("introuvable"), messages.get("fr"));
    }

    @Test
    void missingFileAndGatedRepositoryAreExplained() {
        hub.repo("acme/gated-GGUF").gated(true).file("g-Q8_0.gguf", q8);
        HubClient anonymous = Fixtures.client(hub, null);
        TerroirException missing = failure(() -> anonymous.head("acme/tiny1-GGUF", "nope.gguf"));
        assertEquals("hub.entry-not-found", missing.code());
        assertTrue(missing.getMessage().contains("nope.gguf"));
        TerroirException gatedEn = Fixtures.inLanguage("en", () -> failure(() -> anonymous.head("acme/gated-GGUF", "g-Q8_0.gguf")));
        assertEquals("hub.gated", gatedEn.code());
        assertTrue(gatedEn.getMessage().contains("HF_TOKEN") && gatedEn.getMessage().contains("gated"), gatedEn.getMessage());
        TerroirException gatedFr = Fixtures.inLanguage("fr", () -> failure(() -> anonymous.head("acme/gated-GGUF", "g-Q8_0.gguf")));
        assertTrue(gatedFr.getMessage().contains("accès restreint"), gatedFr.getMessage());
        RemoteFile ok = Fixtures.client(hub, "hf_secret").head("acme/gated-GGUF", "g-Q8_0.gguf");
        assertEquals(q8.length, ok.size());
    }

    @Test
    void aRequiredTokenIsSentAndItsAbsenceExplained() {
        hub.requireToken("hf_secret");
        TerroirException e = Fixtures.inLanguage("en", () -> failure(() -> Fixtures.client(hub, null).search(SearchQuery.of("acme"))));
        assertEquals("hub.unauthorized", e.code());
        assertTrue(e.getMessage().contains("HF_TOKEN"));
        TerroirException fr = Fixtures.inLanguage("fr", () -> failure(() -> Fixtures.client(hub, "wrong").search(SearchQuery.of("acme"))));
        assertEquals("hub.token-rejected", fr.code());
        assertTrue(fr.getMessage().contains("refusé le jeton"), fr.getMessage());
        assertEquals(5, Fixtures.client(hub, "hf_secret").search(SearchQuery.of("acme")).entries().size());
    }

    @Test
    void rateLimitIsWaitedOutThenExplainedWhenItLasts() {
        hub.rateLimit(1, 1);
        assertEquals(5, Fixtures.client(hub, null).search(SearchQuery.of("acme")).entries().size());
        assertEquals(2, hub.log().size(), "one 429, then the same request again after Retry-After");
        hub.rateLimit(100, 1);
        HubClient impatient = new HubClient(HubSettings.forEndpoint(hub.endpoint(), null)
                .withRetries(0, java.time.Duration.ofMillis(10)));
        TerroirException en = Fixtures.inLanguage("en", () -> failure(() -> impatient.search(SearchQuery.of("acme"))));
        assertEquals("hub.rate-limited", en.code());
        assertTrue(en.getMessage().contains("429") && en.getMessage().contains("1 seconds"), en.getMessage());
        TerroirException fr = Fixtures.inLanguage("fr", () -> failure(() -> impatient.search(SearchQuery.of("acme"))));
        assertTrue(fr.getMessage().contains("limite les requêtes"), fr.getMessage());
    }

    @Test
    void namesThatWouldLeaveTheRepositoryAreRefused() {
        HubClient client = Fixtures.client(hub, null);
        assertEquals("hub.bad-repo", failure(() -> client.modelInfo("../etc")).code());
        assertEquals("hub.bad-file", failure(() -> client.head("acme/tiny1-GGUF", "../../x")).code());
        assertEquals("hub.bad-cursor", failure(() -> client.search(SearchQuery.of("x").withPage("http://evil.example/api"))).code());
    }

    private static TerroirException failure(Runnable r) {
        return assertThrows(TerroirException.class, r::run);
    }
}

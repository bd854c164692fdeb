package org.terroir.catalog.internal.hub;

import java.util.List;

import org.terroir.api.TerroirException;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;

/** The Hugging Face Hub as a catalog. Talks to the network only when called. */
public final class HubCatalog implements ModelCatalog {
    private final HubClient hub;
    private final FitJudge judge;

    public HubCatalog(HubClient hub, FitJudge judge) {
        this.hub = hub;
        this.judge = judge;
    }

    @Override
    public String id() {
        return HubClient.CATALOG_ID;
    }

    @Override
    public SearchPage search(SearchQuery query) {
        SearchPage page = hub.search(query);
        if (!query.checkFit()) {
            return page;
        }
        // One listing and one header read per entry: in parallel, the order of the Hub's answer kept.
        List<CatalogEntry> judged = page.entries().parallelStream().map(this::judged).toList();
        return new SearchPage(judged, page.nextPage());
    }

    private CatalogEntry judged(CatalogEntry e) {
        try {
            CatalogEntry full = hub.modelInfo(e.repo());
            ModelFile rec = FitJudge.recommended(full.files());
            if (rec == null) {
                return withRecommended(full, null, FitBadge.UNKNOWN);
            }
            ModelFile r = judge.judge(e.repo(), rec);
            List<ModelFile> files = full.files().stream().map(f -> f.name().equals(r.name()) ? r : f).toList();
            return withRecommended(full.withFiles(files, r.fit()), r.name(), r.fit());
        } catch (TerroirException ex) {
            return e; // a gated repository among the results must not spoil the others
        }
    }

    @Override
    public CatalogEntry describe(String repo, boolean checkFit) {
        CatalogEntry full = hub.modelInfo(repo);
        ModelFile rec = FitJudge.recommended(full.files());
        if (!checkFit) {
            return withRecommended(full, rec == null ? null : rec.name(), FitBadge.UNKNOWN);
        }
        List<ModelFile> files = full.files().parallelStream().map(f -> f.isGguf() ? judge.judge(repo, f)
                : f.name().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? judge.judgeOnnx(f, full.files()) : f)
                .toList();
        FitBadge best = rec == null ? FitBadge.UNKNOWN
                : files.stream().filter(f -> f.name().equals(rec.name())).findFirst().map(ModelFile::fit)
                        .orElse(FitBadge.UNKNOWN);
        return withRecommended(full.withFiles(files, best), rec == null ? null : rec.name(), best);
    }

    private static CatalogEntry withRecommended(CatalogEntry e, String file, FitBadge fit) {
        return new CatalogEntry(e.repo(), e.author(), e.downloads(), e.likes(), e.parameters(), e.files(), e.gated(),
                e.privateRepo(), e.kind(), file, e.description(), e.tier(), e.verified(), fit, e.catalog());
    }
}

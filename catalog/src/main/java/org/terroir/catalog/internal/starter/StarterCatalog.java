package org.terroir.catalog.internal.starter;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import com.google.gson.Gson;

import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.ModelKind;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.api.hardware.Tier;
import org.terroir.api.i18n.Texts;
import org.terroir.catalog.internal.Msg;
import org.terroir.catalog.internal.Quantization;

/**
 * The curated starter list embedded in the bundle: answers with no network at all. Its facts were written by
 * hand and are marked not verified until checked against the Hub. Badges compare each model's tier with the
 * machine's (an estimate from the header needs the file, which is not here).
 */
public final class StarterCatalog implements ModelCatalog {
    public static final String ID = "starter";
    private static final String RESOURCE = "starter-models.json";

    /** One model as the JSON resource describes it. */
    record Item(String repo, String file, long approxBytes, long parameters, String tier, String kind, boolean french,
            String en, String fr) {
    }

    /** The resource's shape. */
    record Doc(String note, List<Item> models) {
    }

    private final List<Item> items;
    private final Supplier<HardwareAdvisor> advisor;

    public StarterCatalog(Supplier<HardwareAdvisor> advisor) {
        this.advisor = advisor;
        try (InputStream in = StarterCatalog.class.getResourceAsStream(RESOURCE);
                Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            Doc doc = new Gson().fromJson(r, Doc.class);
            this.items = List.copyOf(doc.models());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SearchPage search(SearchQuery query) {
        List<String> words = Arrays.stream(query.text().toLowerCase(Locale.ROOT).split("\\s+"))
                .filter(w -> !w.isBlank()).toList();
        List<CatalogEntry> matching = new ArrayList<>();
        for (Item i : items) {
            String hay = (i.repo() + " " + i.file() + " " + i.en() + " " + i.fr() + " " + i.kind()).toLowerCase(Locale.ROOT);
            if (words.stream().allMatch(hay::contains)) {
                matching.add(entry(i, query.checkFit()));
            }
        }
        int from = 0;
        if (query.page() != null) {
            try {
                from = Math.max(0, Integer.parseInt(query.page()));
            } catch (NumberFormatException e) {
                throw Msg.error("hub.bad-cursor", query.page());
            }
        }
        int to = Math.min(matching.size(), from + query.limit());
        String next = to < matching.size() ? Integer.toString(to) : null;
        return new SearchPage(from >= matching.size() ? List.of() : matching.subList(from, to), next);
    }

    @Override
    public CatalogEntry describe(String repo, boolean checkFit) {
        return items.stream().filter(i -> i.repo().equalsIgnoreCase(repo)).findFirst().map(i -> entry(i, checkFit))
                .orElseThrow(() -> Msg.error("starter.unknown", repo));
    }

    private CatalogEntry entry(Item i, boolean checkFit) {
        Tier tier = Tier.valueOf(i.tier());
        FitBadge badge = checkFit ? badge(tier) : FitBadge.UNKNOWN;
        String detail = badge == FitBadge.UNKNOWN ? "" : Msg.text("fit.by-tier");
        ModelFile f = new ModelFile(i.file(), Quantization.fromFileName(i.file()), i.approxBytes(), null, badge, detail);
        String description = (Texts.locale().getLanguage().equals("fr") ? i.fr() : i.en()) + " "
                + Msg.text("starter.not-verified", Msg.size(i.approxBytes()));
        String author = i.repo().substring(0, i.repo().indexOf('/'));
        return new CatalogEntry(i.repo(), author, -1, -1, i.parameters(), List.of(f), false, false,
                ModelKind.valueOf(i.kind()), i.file(), description, tier, false, badge, ID);
    }

    private FitBadge badge(Tier model) {
        HardwareAdvisor a = advisor.get();
        if (a == null) {
            return FitBadge.UNKNOWN;
        }
        Tier machine;
        try {
            machine = a.tier();
        } catch (RuntimeException e) {
            return FitBadge.UNKNOWN;
        }
        int gap = model.ordinal() - machine.ordinal();
        return gap <= 0 ? FitBadge.FITS : gap == 1 ? FitBadge.PARTLY_FITS : FitBadge.TOO_LARGE;
    }

    /** Whether an entry can be spoken to in French (the list puts those first). */
    public boolean french(String repo) {
        return items.stream().anyMatch(i -> i.repo().equalsIgnoreCase(repo) && i.french());
    }
}

package org.terroir.shell.internal.catalog;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.Download;
import org.terroir.api.catalog.Downloader;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.api.catalog.SortOrder;
import org.terroir.api.i18n.Texts;
import org.terroir.shell.internal.Sizes;

/** {@code search}, {@code files}, {@code pull}: find a model that fits and get it. */
@Component(service = CatalogCommands.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=search", "osgi.command.function=files", "osgi.command.function=pull"})
public class CatalogCommands {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.catalog.messages", CatalogCommands.class);
    static final String HUB = "huggingface";
    static final String STARTER = "starter";
    private static final String NEXT_PAGE = "terroir.search.next";

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ModelCatalog> catalogs = new ArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Downloader downloader;

    // ---------------------------------------------------------------- search

    @Descriptor("search the Hugging Face Hub for GGUF models, with a fit badge for this machine (models that fit first)")
    public void search(CommandSession session,
            @Descriptor("search the embedded starter list instead (works offline)")
            @Parameter(names = {"--starter"}, presentValue = "true", absentValue = "false") boolean starter,
            @Descriptor("order: downloads, likes or trending")
            @Parameter(names = {"--sort"}, absentValue = "downloads") String sort,
            @Descriptor("results per page") @Parameter(names = {"--limit"}, absentValue = "10") int limit,
            @Descriptor("show the next page of the previous search")
            @Parameter(names = {"--next"}, presentValue = "true", absentValue = "false") boolean next,
            @Descriptor("skip the fit badges (they read the header of one file per result: a few MB each)")
            @Parameter(names = {"--no-fit"}, presentValue = "true", absentValue = "false") boolean noFit,
            @Descriptor("words to look for") String... words) {
        SortOrder order = switch (sort.toLowerCase(Locale.ROOT)) {
            case "likes" -> SortOrder.LIKES;
            case "trending", "trendingscore" -> SortOrder.TRENDING;
            default -> SortOrder.DOWNLOADS;
        };
        SearchQuery q = new SearchQuery(String.join(" ", words), order, Math.max(1, Math.min(100, limit)), null, !noFit);
        if (next) {
            Object saved = session.get(NEXT_PAGE);
            if (!(saved instanceof SearchState s)) {
                session.getConsole().println(TEXTS.get("search.no-next"));
                return;
            }
            q = s.query().withPage(s.cursor());
            starter = s.catalog().equals(STARTER);
        }
        SearchState state = search(session.getConsole(), q, starter);
        session.put(NEXT_PAGE, state);
    }

    /** What {@code search --next} continues. */
    record SearchState(String catalog, SearchQuery query, String cursor) {
    }

    SearchState search(PrintStream out, SearchQuery q, boolean starterOnly) {
        String id = starterOnly ? STARTER : HUB;
        SearchPage page;
        try {
            page = catalog(id).search(q);
        } catch (TerroirException e) {
            if (starterOnly || !"hub.unreachable".equals(e.code())) {
                throw e;
            }
            out.println(e.getMessage());
            out.println(TEXTS.get("search.offline"));
            id = STARTER;
            q = q.withPage(null);
            page = catalog(STARTER).search(q);
        }
        List<CatalogEntry> entries = new ArrayList<>(page.entries());
        // The guide: show first the models that fit the machine. Stable: the catalog's order stays within a badge.
        entries.sort(Comparator.comparingInt(e -> rank(e.fit())));
        if (entries.isEmpty()) {
            out.println(TEXTS.get("search.none", q.text()));
        }
        for (CatalogEntry e : entries) {
            ModelFile rec = e.recommendedFile() == null ? null : e.file(e.recommendedFile()).orElse(null);
            String size = rec == null || rec.sizeBytes() < 0 ? "" : Sizes.human(rec.sizeBytes());
            String stats = e.downloads() >= 0 ? TEXTS.get("search.stats", Sizes.count(e.downloads()), e.likes()) : "";
            out.printf("%-13s %-50s %10s  %s%n", badge(e.fit()), e.repo(), size, stats);
            if (rec != null) {
                out.println("              " + TEXTS.get("search.recommended", rec.name()));
            }
            if (!e.description().isEmpty()) {
                out.println("              " + e.description());
            }
            if (e.gated()) {
                out.println("              " + TEXTS.get("search.gated"));
            }
        }
        if (page.nextPage() != null) {
            out.println(TEXTS.get("search.more"));
        }
        return new SearchState(id, q, page.nextPage());
    }

    // ---------------------------------------------------------------- files

    @Descriptor("list the files of a repository: quantisation, size and whether each fits this machine")
    public void files(CommandSession session,
            @Descriptor("show every file, not only models")
            @Parameter(names = {"--all"}, presentValue = "true", absentValue = "false") boolean all,
            @Descriptor("owner/name") String repo) {
        files(session.getConsole(), repo, all);
    }

    void files(PrintStream out, String repo, boolean all) {
        CatalogEntry e = describe(out, repo, true);
        out.println(TEXTS.get("files.title", e.repo(), e.files().size()));
        List<ModelFile> files = new ArrayList<>(e.files());
        files.sort(Comparator.comparingLong(ModelFile::sizeBytes));
        for (ModelFile f : files) {
            boolean model = f.isGguf() || f.name().toLowerCase(Locale.ROOT).endsWith(".onnx");
            if (!all && !model) {
                continue;
            }
            String mark = f.name().equals(e.recommendedFile()) ? "*" : " ";
            out.printf("%s %-13s %-8s %10s  %s%n", mark, badge(f.fit()),
                    f.quantization() == null ? "-" : f.quantization(), Sizes.human(Math.max(0, f.sizeBytes())), f.name());
            if (!f.fitDetail().isEmpty() && f.fit() != FitBadge.UNKNOWN) {
                out.println("                " + f.fitDetail());
            }
        }
        if (!e.verified()) {
            out.println(TEXTS.get("files.not-verified"));
        }
        out.println(TEXTS.get("files.pull", e.repo()));
    }

    /** The Hub's answer, or the starter list's when the Hub cannot be reached and the list knows the repository. */
    private CatalogEntry describe(PrintStream out, String repo, boolean fit) {
        try {
            return catalog(HUB).describe(repo, fit);
        } catch (TerroirException e) {
            Optional<ModelCatalog> starter = find(STARTER);
            if (!"hub.unreachable".equals(e.code()) || starter.isEmpty()) {
                throw e;
            }
            try {
                CatalogEntry offline = starter.get().describe(repo, fit);
                out.println(e.getMessage());
                return offline;
            } catch (TerroirException notThere) {
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- pull

    @Descriptor("download a model into the library with a live progress bar (Ctrl-C cancels; the next pull resumes)")
    public void pull(CommandSession session,
            @Descriptor("owner/name, owner/name:QUANT (e.g. :Q4_K_M) or owner/name/file.gguf") String ref)
            throws InterruptedException {
        pull(session.getConsole(), ref);
    }

    void pull(PrintStream out, String ref) throws InterruptedException {
        Downloader d = downloader;
        if (d == null) {
            throw new TerroirException("shell.catalog.no-downloader", TEXTS.get("pull.no-downloader"));
        }
        for (Target t : targets(out, ref)) {
            out.println(TEXTS.get("pull.start", t.repo(), t.file(), t.size() < 0 ? "?" : Sizes.human(t.size())));
            ProgressBar bar = new ProgressBar(out);
            Download download = d.download(t.repo(), t.file(), bar);
            CompletableFuture<LibraryModel> result = download.result().toCompletableFuture();
            try {
                LibraryModel m = waitFor(result);
                bar.finish();
                out.println(TEXTS.get("pull.done", m.name(), Sizes.human(m.sizeBytes()), m.path()));
                out.println(TEXTS.get("pull.load", m.repo() + (m.quantization() == null ? "" : ":" + m.quantization())));
            } catch (InterruptedException e) {
                // Ctrl-C in the shell interrupts the command's thread: stop the download, keep the .part.
                download.cancel();
                bar.finish();
                out.println(TEXTS.get("pull.cancelled", Sizes.human(download.progress().bytes())));
                Thread.currentThread().interrupt();
                return;
            } catch (TerroirException e) {
                bar.finish();
                throw e;
            }
        }
    }

    private static LibraryModel waitFor(CompletableFuture<LibraryModel> result) throws InterruptedException {
        while (true) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // keep waiting; the interruption of Ctrl-C arrives as InterruptedException
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TerroirException te) {
                    throw te;
                }
                throw new TerroirException("shell.catalog.failed", String.valueOf(e.getCause()), e.getCause());
            }
        }
    }

    /** One file to download. */
    record Target(String repo, String file, long size) {
    }

    /** The files a reference names: one, or every part of a split GGUF. */
    List<Target> targets(PrintStream out, String ref) {
        String r = ref.trim();
        String[] slash = r.split("/", 3);
        if (slash.length == 3) {
            String repo = slash[0] + "/" + slash[1];
            return List.of(new Target(repo, slash[2], -1));
        }
        int colon = r.lastIndexOf(':');
        String repo = colon > 0 ? r.substring(0, colon) : r;
        String quant = colon > 0 ? r.substring(colon + 1) : null;
        CatalogEntry e = describe(out, repo, false);
        List<ModelFile> chosen;
        if (quant == null) {
            String rec = e.recommendedFile();
            if (rec == null) {
                throw new TerroirException("shell.catalog.no-model-file", TEXTS.get("pull.no-gguf", repo));
            }
            chosen = e.file(rec).map(List::of).orElse(List.of());
            chosen = withParts(e, chosen);
        } else {
            chosen = e.files().stream().filter(ModelFile::isGguf)
                    .filter(f -> f.quantization() != null && f.quantization().equalsIgnoreCase(quant.replace('-', '_')))
                    .filter(f -> !f.name().toLowerCase(Locale.ROOT).contains("mmproj")).toList();
            if (chosen.isEmpty()) {
                List<String> available = e.files().stream().map(ModelFile::quantization).filter(q -> q != null)
                        .distinct().sorted().toList();
                throw new TerroirException("shell.catalog.no-quant",
                        TEXTS.get("pull.no-quant", repo, quant, String.join(", ", available)));
            }
            // Several files of one quantisation: the parts of a split model, or the same model twice (take one).
            boolean split = chosen.stream().allMatch(f -> f.name().matches(".*-\\d{5}-of-\\d{5}\\.gguf"));
            chosen = split ? chosen : List.of(chosen.get(0));
        }
        return chosen.stream().map(f -> new Target(e.repo(), f.name(), f.sizeBytes())).toList();
    }

    private static List<ModelFile> withParts(CatalogEntry e, List<ModelFile> first) {
        if (first.size() != 1 || !first.get(0).name().matches(".*-00001-of-\\d{5}\\.gguf")) {
            return first;
        }
        String prefix = first.get(0).name().replaceAll("-00001-of-\\d{5}\\.gguf$", "");
        return e.files().stream().filter(f -> f.name().startsWith(prefix) && f.name().matches(".*-\\d{5}-of-\\d{5}\\.gguf"))
                .sorted(Comparator.comparing(ModelFile::name)).toList();
    }

    // ---------------------------------------------------------------- helpers

    private ModelCatalog catalog(String id) {
        return find(id).orElseThrow(() -> new TerroirException("shell.catalog.missing", TEXTS.get("catalog.missing", id)));
    }

    private Optional<ModelCatalog> find(String id) {
        return catalogs.stream().filter(c -> id.equals(c.id())).findFirst();
    }

    static int rank(FitBadge b) {
        return switch (b) {
            case FITS -> 0;
            case PARTLY_FITS -> 1;
            case UNKNOWN -> 2;
            case TOO_LARGE -> 3;
            case UNSUPPORTED -> 4;
        };
    }

    static String badge(FitBadge b) {
        return TEXTS.get("badge." + b.name());
    }
}

package org.terroir.shell.internal.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.FitBadge;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.ModelFile;
import org.terroir.api.catalog.ModelKind;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.api.hardware.EstimateOptions;
import org.terroir.api.hardware.Figure;
import org.terroir.api.hardware.Fit;
import org.terroir.api.hardware.GpuInfo;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.api.hardware.HardwareProfile;
import org.terroir.api.hardware.MemoryEstimate;
import org.terroir.api.hardware.MemorySplit;
import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.Source;
import org.terroir.api.hardware.Tier;
import org.terroir.api.hardware.TierAdvice;
import org.terroir.api.hardware.Verdict;

/**
 * The commands' output in both languages. The advisor here returns fixed figures: what is under test is the
 * presentation (sources shown, table, verdict), the advisor's logic has its own tests in the hardware bundle.
 */
class HardwareCommandsTest {
    private static final long GIB = 1L << 30;

    @AfterEach
    void restore() {
        System.clearProperty("terroir.lang");
    }

    private static String run(String lang, java.util.function.Consumer<PrintStream> command) {
        System.setProperty("terroir.lang", lang);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hwShowsEachFigureWithItsSourceInBothLanguages() {
        HardwareCommands c = new HardwareCommands();
        c.advisor = new FixedAdvisor();
        String en = run("en", out -> c.print(out, false));
        assertTrue(en.contains("24.0 GiB [nvidia-smi]"), en);
        assertTrue(en.contains("16.0 GiB [OSHI] installed"), en);
        assertTrue(en.contains("limited to 8.0 GiB [cgroup v2]"), en);
        assertTrue(en.contains("Try first:   small model"), en);
        String fr = run("fr", out -> c.print(out, false));
        assertTrue(fr.contains("24,0 GiB [nvidia-smi]"), fr);
        assertTrue(fr.contains("À essayer d'abord"), fr);
    }

    @Test
    void hwSpeaksPlainlyAndGivesPullCommandsToCopy() {
        HardwareCommands c = new HardwareCommands();
        c.advisor = new FixedAdvisor();
        c.starter = new Starter();
        String en = run("en", out -> c.plain(out, false));
        assertTrue(en.contains("8.59 GB allowed to Terroir (a container limit), of which 8.59 GB free now"), en);
        assertTrue(en.contains("RTX with 25.8 GB of its own memory"), en);
        assertTrue(!en.contains("[OSHI]") && !en.contains("AVX2") && !en.contains("GiB"), "no sources, flags, GiB: " + en);
        // Chat models that fit, lightest first, as commands; the embedding model and the one too large left out.
        int small = en.indexOf("pull acme/Small-GGUF:Q4_K_M");
        int medium = en.indexOf("pull acme/Medium-GGUF:Q4_K_M");
        assertTrue(small > 0 && medium > small, en);
        assertTrue(!en.contains("Embed") && !en.contains("Huge"), en);
        assertTrue(en.contains("about 2.50 GB to download"), en);
        assertTrue(en.contains("hw --details"), en);
        String fr = run("fr", out -> c.plain(out, false));
        assertTrue(fr.contains("Carte graphique : RTX avec 25,8 Go de mémoire propre"), fr);
        assertTrue(fr.contains("environ 2,50 Go à télécharger"), fr);
        assertTrue(fr.contains("Pour commencer, copiez une de ces commandes"), fr);
        // Without the starter list, the tier's advice as text and the way to search.
        c.starter = null;
        String none = run("en", out -> c.plain(out, false));
        assertTrue(none.contains("To try first: small model") && none.contains("pull <name>"), none);
    }

    private static final class Starter implements ModelCatalog {
        @Override
        public String id() {
            return "starter";
        }

        private static CatalogEntry entry(String repo, ModelKind kind, long size, FitBadge fit) {
            ModelFile f = new ModelFile(repo.substring(5) + "-Q4_K_M.gguf", "Q4_K_M", size, null, fit, "");
            return new CatalogEntry(repo, "acme", -1, -1, 0, List.of(f), false, false, kind, f.name(), "", null,
                    false, fit, "starter");
        }

        @Override
        public SearchPage search(SearchQuery query) {
            return new SearchPage(List.of(entry("acme/Medium-GGUF", ModelKind.CHAT, 5_000_000_000L, FitBadge.FITS),
                    entry("acme/Huge-GGUF", ModelKind.CHAT, 40_000_000_000L, FitBadge.TOO_LARGE),
                    entry("acme/Embed-GGUF", ModelKind.EMBEDDING, 100_000_000L, FitBadge.FITS),
                    entry("acme/Small-GGUF", ModelKind.CHAT, 2_500_000_000L, FitBadge.FITS)), null);
        }

        @Override
        public CatalogEntry describe(String repo, boolean checkFit) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void fitShowsTheBreakdownAndTheVerdict() {
        HardwareCommands c = new HardwareCommands();
        c.advisor = new FixedAdvisor();
        String en = run("en", out -> c.print(out, Path.of("m.gguf"), EstimateOptions.defaults()));
        assertTrue(en.contains("Verdict: fits partly on the GPU (10 of 29 layers on the GPU)"), en);
        assertTrue(en.contains("K/V cache"), en);
        assertTrue(en.contains("Warning: something odd"), en);
        String fr = run("fr", out -> c.print(out, Path.of("m.gguf"), EstimateOptions.defaults()));
        assertTrue(fr.contains("Verdict : tient en partie sur le GPU"), fr);
    }

    @Test
    void bothLanguagesHaveTheSameKeys() {
        assertEquals(HardwareCommands.TEXTS.bundle(Locale.ENGLISH).keySet(),
                HardwareCommands.TEXTS.bundle(Locale.FRENCH).keySet());
        for (Verdict v : Verdict.values()) {
            assertTrue(HardwareCommands.TEXTS.bundle(Locale.ENGLISH).containsKey("verdict." + v));
        }
        for (Source s : Source.values()) {
            assertTrue(HardwareCommands.TEXTS.bundle(Locale.ENGLISH).containsKey("source." + s));
        }
    }

    private static final class FixedAdvisor implements HardwareAdvisor {
        @Override
        public HardwareProfile profile() {
            return new HardwareProfile("Linux", "Test CPU", new Figure(4, Source.OSHI), new Figure(8, Source.OSHI),
                    Set.of("AVX2"), new Figure(16 * GIB, Source.OSHI), new Figure(12 * GIB, Source.OSHI),
                    new Figure(8 * GIB, Source.CGROUP_V2), List.of(new GpuInfo("RTX", "NVIDIA",
                            new Figure(24 * GIB, Source.NVIDIA_SMI), new Figure(20 * GIB, Source.NVIDIA_SMI), false)),
                    Path.of("/models"), new Figure(100 * GIB, Source.JVM), Instant.now());
        }

        @Override
        public HardwareProfile reprobe() {
            return profile();
        }

        @Override
        public Tier tier() {
            return Tier.B3_TO_7;
        }

        @Override
        public TierAdvice advice(Locale locale) {
            return new TierAdvice(Tier.B3_TO_7, "3B-7B", "laptop", List.of("emails"), "small model", "why");
        }

        private MemoryEstimate estimate() {
            MemorySplit s = new MemorySplit(GIB, 2 * GIB);
            return new MemoryEstimate(s, s, s, s, 4096, 10, 28, "f16", 7_000_000_000L, true,
                    List.of("something odd"));
        }

        @Override
        public MemoryEstimate estimate(Path ggufFile, EstimateOptions options) {
            return estimate();
        }

        @Override
        public MemoryEstimate estimate(ByteBuffer prefix, long fileSize, String source, EstimateOptions options) {
            return estimate();
        }

        @Override
        public MemoryEstimate estimate(ModelShape model, EstimateOptions options) {
            return estimate();
        }

        @Override
        public ModelShape shape(ByteBuffer prefix, long fileSize, String source) {
            throw new UnsupportedOperationException("not used by the shell");
        }

        @Override
        public MemoryEstimate estimateOnnx(long weightBytes, String source) {
            return estimate();
        }

        @Override
        public Fit fitOnnx(long weightBytes, String source) {
            return fit((Path) null, null);
        }

        @Override
        public Fit fit(Path ggufFile, EstimateOptions options) {
            return new Fit(Verdict.PARTIAL_GPU, "because", 10, 8192, true, estimate());
        }

        @Override
        public Fit fit(ByteBuffer prefix, long fileSize, String source, EstimateOptions options) {
            return fit((Path) null, options);
        }

        @Override
        public Fit fit(ModelShape model, EstimateOptions options) {
            return fit((Path) null, options);
        }
    }
}

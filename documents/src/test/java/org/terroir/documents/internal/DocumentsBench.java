package org.terroir.documents.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.documents.ExtractedDocument;
import org.terroir.api.documents.IndexedDocument;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.backend.onnx.internal.OnnxBackend;
import org.terroir.backend.onnx.internal.OnnxSettings;
import org.terroir.testkit.onnx.MiniLm;

/**
 * Indexing throughput and retrieval latency over a generated PDF of {@code terroir.bench.pages} pages (1,000),
 * with the real all-MiniLM-L6-v2 through the ONNX backend. Printed, never asserted; runs only with
 * {@code -Dterroir.bench=true} ({@code bench/documents}).
 *
 * <p>Baselines, measured in the same run in alternating rounds: for indexing, the embedding model alone over the
 * same passage texts (what extraction, cutting and SQLite add is the ratio); for retrieval, embedding the question
 * alone (what the scan of every passage adds is the ratio). Medians over rounds (indexing) and questions (search).
 */
class DocumentsBench {
    static final int PAGES = Integer.getInteger("terroir.bench.pages", 1000);
    static final int ROUNDS = Integer.getInteger("terroir.bench.rounds", 2);
    static final int QUESTIONS = Integer.getInteger("terroir.bench.questions", 200);
    static final int THREADS = Integer.getInteger("terroir.bench.threads", 2);
    static final String[] SUBJECTS = {"rents", "the river", "school meals", "bike lanes", "the library", "old trees",
        "night buses", "insulation", "the maternity ward", "warehouse jobs", "airport noise", "the swimming pool",
        "recycling", "broadband", "the theatre festival", "milk prices", "pensions", "the farmers' market",
        "polling stations", "volunteers"};
    static final String[] VERBS = {"rose", "fell", "was delayed", "was debated", "doubled", "was cancelled",
        "was approved", "was questioned", "improved", "worsened"};
    static final String[] PLACES = {"in the old town", "near the station", "in the valley", "on the main avenue",
        "by the river", "in the northern district", "at the town hall", "in the villages"};

    @TempDir
    Path dir;

    /** A page: a heading and about 150 words of sentences drawn from the page's own seed. */
    static String pageText(int page) {
        Random r = new Random(page);
        StringBuilder b = new StringBuilder();
        int words = 0;
        while (words < 150) {
            String s = SUBJECTS[r.nextInt(SUBJECTS.length)] + " " + VERBS[r.nextInt(VERBS.length)] + " "
                    + PLACES[r.nextInt(PLACES.length)] + " by " + (2 + r.nextInt(90)) + " percent in "
                    + (1990 + r.nextInt(35)) + ", said report " + page + ".";
            b.append(Character.toUpperCase(s.charAt(0))).append(s, 1, s.length()).append(' ');
            words += s.split(" ").length;
        }
        return b.toString().strip();
    }

    static Path pdf(Path file, int pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (int i = 1; i <= pages; i++) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    s.beginText();
                    s.setFont(font, 10);
                    s.setLeading(13);
                    s.newLineAtOffset(50, 740);
                    s.showText("Page " + i);
                    s.newLine();
                    StringBuilder line = new StringBuilder();
                    for (String word : pageText(i).split(" ")) {
                        if (line.length() + word.length() > 95) {
                            s.showText(line.toString().strip());
                            s.newLine();
                            line.setLength(0);
                        }
                        line.append(word).append(' ');
                    }
                    s.showText(line.toString().strip());
                    s.endText();
                }
            }
            doc.save(file.toFile());
        }
        return file;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double percentile(List<Double> values, double p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[Math.min(v.length - 1, (int) Math.ceil(p * v.length) - 1)];
    }

    @Test
    void indexAndSearch() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("terroir.bench"));
        Path folder = MiniLm.writeTo(dir.resolve("all-MiniLM-L6-v2"), DocumentsBench.class.getClassLoader());
        OnnxBackend backend = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(THREADS));
        ModelDescriptor d = backend.describe(folder).orElseThrow();
        LoadedModel model = backend.load(d, LoadOptions.defaults().withEmbeddings(true));
        Embedder embedder = new Embedder() {
            @Override
            public String id() {
                return "all-MiniLM-L6-v2";
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                return model.embed(texts);
            }
        };
        Path file = pdf(dir.resolve("report.pdf"), PAGES);
        System.out.printf("BENCH documents: %d pages, %.1f MB PDF, %d threads, %d rounds%n", PAGES,
                Files.size(file) / 1e6, THREADS, ROUNDS);
        Extractors extractors = new Extractors(200_000_000);
        Splitter splitter = new Splitter(200, 40);
        ExtractedDocument extracted = extractors.extract(file);
        List<String> texts = splitter.split(extracted).stream().map(Splitter.Chunk::embedded).toList();
        // warm-up: the model's first batches are slower
        embedder.embed(texts.subList(0, Math.min(64, texts.size())));

        List<Double> indexSeconds = new ArrayList<>();
        List<Double> embedSeconds = new ArrayList<>();
        int passages = 0;
        long bytes = 0;
        LocalIndex index = null;
        for (int round = 0; round < ROUNDS; round++) {
            // alternating: baseline first in even rounds, index first in odd ones
            for (int step = 0; step < 2; step++) {
                boolean baseline = (round + step) % 2 == 0;
                if (baseline) {
                    long t = System.nanoTime();
                    for (int i = 0; i < texts.size(); i += 32) {
                        embedder.embed(texts.subList(i, Math.min(texts.size(), i + 32)));
                    }
                    embedSeconds.add((System.nanoTime() - t) / 1e9);
                } else {
                    if (index != null) {
                        index.close();
                    }
                    index = new LocalIndex(dir.resolve("round" + round + "/documents.db"), extractors, splitter,
                            () -> embedder);
                    long t = System.nanoTime();
                    IndexedDocument doc = index.add("bench", file);
                    indexSeconds.add((System.nanoTime() - t) / 1e9);
                    passages = doc.passages();
                    bytes = doc.bytes();
                }
            }
        }
        double idx = median(indexSeconds);
        double emb = median(embedSeconds);
        System.out.printf("BENCH indexing: median %.1f s = %.1f pages/s, %.1f passages/s (%d passages, index %.1f MB)"
                + "%n", idx, PAGES / idx, passages / idx, passages, bytes / 1e6);
        System.out.printf("BENCH baseline, embedding the same %d passages alone: median %.1f s = %.1f passages/s;"
                + " indexing / embedding alone = %.2f%n", texts.size(), emb, texts.size() / emb, idx / emb);

        Random r = new Random(42);
        List<String> questions = new ArrayList<>();
        for (int i = 0; i < QUESTIONS; i++) {
            questions.add("What happened to " + SUBJECTS[r.nextInt(SUBJECTS.length)] + " "
                    + PLACES[r.nextInt(PLACES.length)] + " in " + (1990 + r.nextInt(35)) + "?");
        }
        long cold = System.nanoTime();
        index.search("bench", questions.get(0), 5);
        double coldMs = (System.nanoTime() - cold) / 1e6;
        List<Double> searchMs = new ArrayList<>();
        List<Double> questionMs = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            String q = questions.get(i);
            for (int step = 0; step < 2; step++) {
                boolean baseline = (i + step) % 2 == 0;
                long t = System.nanoTime();
                if (baseline) {
                    embedder.embed(List.of(q));
                } else {
                    index.search("bench", q, 5);
                }
                (baseline ? questionMs : searchMs).add((System.nanoTime() - t) / 1e6);
            }
        }
        System.out.printf("BENCH retrieval over %d passages, top 5: median %.2f ms, p95 %.2f ms (first search, which"
                + " reads the vectors from SQLite: %.0f ms)%n", passages, median(searchMs), percentile(searchMs, 0.95),
                coldMs);
        System.out.printf("BENCH baseline, embedding the question alone: median %.2f ms, p95 %.2f ms; search /"
                + " embedding alone = %.2f%n", median(questionMs), percentile(questionMs, 0.95),
                median(searchMs) / median(questionMs));
        System.out.println("BENCH raw: index s " + indexSeconds + ", embed s " + embedSeconds + ", search ms p50/p95 "
                + Arrays.toString(new double[] {median(searchMs), percentile(searchMs, 0.95)}));
        index.close();
        model.close();
    }
}

package org.terroir.documents.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.documents.DocumentIndex;
import org.terroir.api.documents.ExtractedDocument;
import org.terroir.api.documents.IndexedDocument;
import org.terroir.api.documents.Passage;
import org.terroir.api.documents.ScoredPassage;

/**
 * {@link DocumentIndex} over an {@link Extractors}, a {@link Splitter}, an {@link Embedder} and a
 * {@link PassageStore}. Search is exact: the cosine of the question with every passage of the collection (vectors
 * are normalised once, so it is a dot product); a collection's vectors stay in memory until it changes.
 */
public final class LocalIndex implements DocumentIndex, AutoCloseable {
    private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Texts given to the embedder at once. */
    private static final int BATCH = 32;

    private final Extractors extractors;
    private final Splitter splitter;
    private final Supplier<Embedder> embedder;
    private final PassageStore store;
    private final Map<String, Matrix> cache = new ConcurrentHashMap<>();

    /** A collection's passages and their normalised vectors, row by row. */
    private record Matrix(List<Passage> passages, float[][] vectors) {
    }

    public LocalIndex(Path database, Extractors extractors, Splitter splitter, Supplier<Embedder> embedder) {
        this.extractors = extractors;
        this.splitter = splitter;
        this.embedder = embedder;
        this.store = new PassageStore(database);
    }

    @Override
    public IndexedDocument add(String collection, Path file) {
        check(collection);
        long start = System.nanoTime();
        ExtractedDocument doc = extractors.extract(file);
        List<Splitter.Chunk> chunks = splitter.split(doc);
        Embedder e = embedder();
        List<float[]> vectors = new ArrayList<>(chunks.size());
        try {
            for (int i = 0; i < chunks.size(); i += BATCH) {
                List<String> texts = chunks.subList(i, Math.min(chunks.size(), i + BATCH)).stream()
                        .map(Splitter.Chunk::embedded).toList();
                List<float[]> batch = e.embed(texts);
                if (batch.size() != texts.size()) {
                    throw new IllegalStateException(batch.size() + " vectors for " + texts.size() + " texts");
                }
                batch.forEach(v -> vectors.add(normalise(v)));
            }
        } catch (TerroirException | IllegalStateException | IllegalArgumentException ex) {
            throw Messages.error(ErrorKind.BACKEND_GONE, "documents.embedder.failed", ex, doc.name(),
                    ex.getMessage());
        }
        List<Passage> passages = chunks.stream().map(Splitter.Chunk::passage).toList();
        long chars = passages.stream().mapToLong(p -> p.text().length()).sum();
        IndexedDocument indexed = new IndexedDocument(doc.name(), doc.format(), doc.pages(), passages.size(), chars,
                Instant.now(), (System.nanoTime() - start) / 1_000_000);
        store.put(collection, indexed, e.id(), passages, vectors);
        cache.remove(collection);
        String name = indexed.name();
        return store.documents(collection).stream().filter(d -> d.name().equals(name)).findFirst().orElse(indexed);
    }

    @Override
    public List<IndexedDocument> documents(String collection) {
        check(collection);
        return store.documents(collection);
    }

    @Override
    public List<Passage> passages(String collection, String document) {
        check(collection);
        return store.rows(collection, document, false).stream().map(PassageStore.Row::passage).toList();
    }

    @Override
    public List<ScoredPassage> search(String collection, String question, int k) {
        check(collection);
        if (question == null || question.isBlank()) {
            throw Messages.error(ErrorKind.BAD_REQUEST, "documents.bad.question");
        }
        Matrix m = cache.computeIfAbsent(collection, c -> {
            List<PassageStore.Row> rows = store.rows(c, null, true);
            return new Matrix(rows.stream().map(PassageStore.Row::passage).toList(),
                    rows.stream().map(PassageStore.Row::vector).toArray(float[][]::new));
        });
        if (m.passages().isEmpty() || k <= 0) {
            return List.of();
        }
        float[] q = normalise(embedder().embed(List.of(question)).get(0));
        PriorityQueue<ScoredPassage> best = new PriorityQueue<>(
                (a, b) -> Double.compare(a.score(), b.score()));
        for (int i = 0; i < m.vectors().length; i++) {
            float[] v = m.vectors()[i];
            if (v.length != q.length) {
                continue; // embedded by another model: re-attach the document
            }
            double dot = 0;
            for (int j = 0; j < v.length; j++) {
                dot += v[j] * q[j];
            }
            if (best.size() < k) {
                best.add(new ScoredPassage(m.passages().get(i), dot));
            } else if (dot > best.peek().score()) {
                best.poll();
                best.add(new ScoredPassage(m.passages().get(i), dot));
            }
        }
        List<ScoredPassage> out = new ArrayList<>(best);
        out.sort((a, b) -> Double.compare(b.score(), a.score()));
        return out;
    }

    @Override
    public boolean remove(String collection, String document) {
        check(collection);
        boolean removed = store.remove(collection, document);
        cache.remove(collection);
        return removed;
    }

    private Embedder embedder() {
        Embedder e = embedder.get();
        if (e == null) {
            throw Messages.error(ErrorKind.UNSUPPORTED, "documents.no.embedder");
        }
        return e;
    }

    private static void check(String collection) {
        if (collection == null || !COLLECTION.matcher(collection).matches()) {
            throw Messages.error(ErrorKind.BAD_REQUEST, "documents.bad.collection", collection);
        }
    }

    static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (v[i] / norm);
        }
        return out;
    }

    @Override
    public void close() {
        store.close();
    }
}

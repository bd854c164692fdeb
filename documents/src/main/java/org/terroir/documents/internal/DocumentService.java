package org.terroir.documents.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirHome;
import org.terroir.api.documents.DocumentExtractor;
import org.terroir.api.documents.DocumentIndex;
import org.terroir.api.documents.ExtractedDocument;
import org.terroir.api.documents.IndexedDocument;
import org.terroir.api.documents.Passage;
import org.terroir.api.documents.ScoredPassage;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;

/**
 * The {@link DocumentIndex} and {@link DocumentExtractor} services. The embedding model is the configured folder,
 * loaded on first use straight from the backend that reads it (so that it never becomes the current chat model),
 * else the first model loaded in the {@link ModelManager} that embeds.
 */
@Component(service = {DocumentIndex.class, DocumentExtractor.class}, configurationPid = "org.terroir.documents")
@Designate(ocd = DocumentsConfig.class)
public final class DocumentService implements DocumentIndex, DocumentExtractor {
    private final List<InferenceBackend> backends = new CopyOnWriteArrayList<>();
    private volatile ModelManager manager;
    private LocalIndex index;
    private Extractors extractors;
    private String embeddingModel;
    private LoadedModel own;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBackend(InferenceBackend backend) {
        backends.add(backend);
    }

    void removeBackend(InferenceBackend backend) {
        backends.remove(backend);
        synchronized (this) {
            if (own != null && own.backendId().equals(backend.id())) {
                own = null; // its backend closed it
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setManager(ModelManager m) {
        manager = m;
    }

    void unsetManager(ModelManager m) {
        if (manager == m) {
            manager = null;
        }
    }

    /** The framework property the launcher sets to the distribution's embedding model folder. */
    static final String EMBEDDINGS_PROPERTY = "terroir.embeddings";

    @Activate
    void activate(org.osgi.framework.BundleContext context, DocumentsConfig config) {
        embeddingModel = config.embeddingModel().strip();
        if (embeddingModel.isEmpty()) {
            // the distribution's all-MiniLM-L6-v2 (embeddings/ beside bundles/), else a loaded model that embeds
            String shipped = context.getProperty(EMBEDDINGS_PROPERTY);
            if (shipped == null || shipped.isBlank()) {
                shipped = System.getProperty(EMBEDDINGS_PROPERTY, "");
            }
            if (!shipped.isBlank() && java.nio.file.Files.isRegularFile(Path.of(shipped, "model.onnx"))) {
                embeddingModel = shipped.strip();
            }
        }
        Path dir = config.dataDir().isBlank() ? TerroirHome.data() : Path.of(config.dataDir());
        extractors = new Extractors(Math.max(1, config.maxFileMegabytes()) * 1_000_000L);
        index = new LocalIndex(dir.resolve("documents.db"), extractors,
                new Splitter(config.passageTokens(), config.overlapTokens()), this::embedder);
    }

    @Deactivate
    synchronized void deactivate() {
        index.close();
        if (own != null) {
            own.close();
            own = null;
        }
    }

    private synchronized Embedder embedder() {
        if (!embeddingModel.isEmpty()) {
            if (own == null || !own.isAlive()) {
                Path folder = Path.of(embeddingModel);
                for (InferenceBackend b : backends) {
                    Optional<ModelDescriptor> d = b.describe(folder);
                    if (d.isPresent() && b.supports(d.get())) {
                        own = b.load(d.get(), LoadOptions.defaults().withEmbeddings(true));
                        break;
                    }
                }
            }
            return own == null ? null : of(own);
        }
        ModelManager m = manager;
        if (m == null) {
            return null;
        }
        return localEmbedding(m.loaded().stream().map(info -> m.find(info.id())).flatMap(Optional::stream))
                .map(DocumentService::of).orElse(null);
    }

    /**
     * The first of these loaded models that makes embeddings on this computer. Never a remote one: its server would
     * receive the documents' text, which nobody asked to send there.
     */
    static Optional<LoadedModel> localEmbedding(java.util.stream.Stream<LoadedModel> loaded) {
        return loaded.filter(LoadedModel::supportsEmbeddings)
                .filter(model -> model.descriptor().property(ModelDescriptor.REMOTE) == null).findFirst();
    }

    private static Embedder of(LoadedModel model) {
        return new Embedder() {
            @Override
            public String id() {
                return model.descriptor().name();
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                return model.embed(texts);
            }
        };
    }

    @Override
    public java.util.Set<String> extensions() {
        return extractors.extensions();
    }

    @Override
    public ExtractedDocument extract(Path file) {
        return extractors.extract(file);
    }

    @Override
    public IndexedDocument add(String collection, Path file) {
        return index.add(collection, file);
    }

    @Override
    public List<IndexedDocument> documents(String collection) {
        return index.documents(collection);
    }

    @Override
    public List<Passage> passages(String collection, String document) {
        return index.passages(collection, document);
    }

    @Override
    public List<ScoredPassage> search(String collection, String question, int k) {
        return index.search(collection, question, k);
    }

    @Override
    public boolean remove(String collection, String document) {
        return index.remove(collection, document);
    }
}

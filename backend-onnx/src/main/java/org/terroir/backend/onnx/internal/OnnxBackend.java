package org.terroir.backend.onnx.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.terroir.api.InvalidModelException;
import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.lib.onnxruntime.HfTokenizer;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Runs ONNX model folders in process with ONNX Runtime: sentence embedding encoders and decoder-only models in
 * the Hugging Face Optimum layout. Every file is checked in Java ({@link ModelFolder}) before ONNX Runtime reads
 * it; a graph of another shape is closed again at once, with an error naming the inputs and outputs that did
 * not fit.
 */
@Component(service = InferenceBackend.class, configurationPid = OnnxBackendConfig.PID,
        property = {InferenceBackend.BACKEND_ID + "=" + OnnxModel.BACKEND_ID, "service.ranking:Integer=0"})
@Designate(ocd = OnnxBackendConfig.class)
public class OnnxBackend implements InferenceBackend {
    private static final System.Logger LOG = System.getLogger(OnnxBackend.class.getName());

    private final Set<OnnxModel> loaded = ConcurrentHashMap.newKeySet();
    private volatile OnnxSettings settings = OnnxSettings.defaults();

    public OnnxBackend() {
    }

    /** For use outside a framework (tests, benchmarks). */
    public OnnxBackend(OnnxSettings settings) {
        this.settings = settings;
    }

    @Activate
    @Modified
    void configure(OnnxBackendConfig config) {
        settings = OnnxSettings.from(config);
    }

    @Deactivate
    void deactivate() {
        // The bundle is going: free every session it holds (generations under way end with an error).
        List.copyOf(loaded).forEach(OnnxModel::close);
    }

    @Override
    public String id() {
        return OnnxModel.BACKEND_ID;
    }

    @Override
    public String displayName() {
        return "ONNX Runtime";
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ModelFormat.ONNX);
    }

    @Override
    public Optional<ModelDescriptor> describe(Path path) {
        Optional<Path> model = ModelFolder.findModel(path);
        if (model.isEmpty()) {
            return Optional.empty();
        }
        ModelFolder folder = ModelFolder.open(model.get());
        Map<String, String> props = new HashMap<>();
        put(props, ModelDescriptor.ARCHITECTURE, folder.config().get("model_type"));
        int context = contextOf(folder);
        if (context > 0) {
            props.put(ModelDescriptor.CONTEXT_LENGTH, Integer.toString(context));
        }
        put(props, ModelDescriptor.EMBEDDING_LENGTH, folder.config().get("hidden_size"));
        put(props, ModelDescriptor.LAYERS, folder.config().get("num_hidden_layers"));
        put(props, ModelDescriptor.CHAT_TEMPLATE, folder.chatTemplate());
        String file = folder.model().getFileName().toString();
        if (file.contains("quantized") || file.contains("int8") || file.contains("q8")) {
            props.put(ModelDescriptor.QUANTIZATION, "INT8");
        }
        String name = folder.folder().getFileName() == null ? file : folder.folder().getFileName().toString();
        return Optional.of(new ModelDescriptor(name, folder.folder(), ModelFormat.ONNX, folder.sizeBytes(), props));
    }

    private static void put(Map<String, String> props, String key, Object value) {
        if (value instanceof Double d && d == Math.rint(d)) {
            props.put(key, Long.toString(d.longValue()));
        } else if (value != null) {
            props.put(key, value.toString());
        }
    }

    private static int contextOf(ModelFolder folder) {
        int context = folder.intConfig("max_position_embeddings", 0);
        if (context <= 0 && folder.tokenizerConfig().get("model_max_length") instanceof Number n
                && n.doubleValue() < 1e7) {
            context = n.intValue();
        }
        return context;
    }

    @Override
    public boolean supports(ModelDescriptor model) {
        return ModelFormat.ONNX.equals(model.format()) && ModelFolder.findModel(model.path()).isPresent();
    }

    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options) throws ModelLoadException {
        LoadOptions opts = options == null ? LoadOptions.defaults() : options;
        OnnxSettings s = settings;
        ModelFolder folder;
        try {
            Path file = ModelFolder.findModel(model.path()).orElseThrow(() -> new InvalidModelException(
                    "onnx.folder.noModel", Messages.get("onnx.folder.noModel", model.path())));
            folder = ModelFolder.open(file);
        } catch (InvalidModelException e) {
            throw new ModelLoadException(e.code(), e.getMessage(), e);
        }
        int modelContext = contextOf(folder);
        HfTokenizer tokenizer;
        OrtSession session = null;
        try {
            tokenizer = HfTokenizer.open(folder.tokenizer(), 0);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("onnx.tokenizer.unusable",
                    Messages.get("onnx.tokenizer.unusable", folder.tokenizer(), e.getMessage()), e);
        }
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions so = s.sessionOptions(opts.threads())) {
                session = env.createSession(folder.model().toString(), so);
            }
            ModelLayout layout = ModelLayout.detect(model.name(), session.getInputInfo(), session.getOutputInfo(), folder);
            OnnxModel result;
            if (layout.kind() == ModelLayout.Kind.EMBEDDING) {
                tokenizer.close();
                int limit = Math.min(s.embeddingMaxTokens(), modelContext > 0 ? modelContext : Integer.MAX_VALUE);
                tokenizer = HfTokenizer.open(folder.tokenizer(), limit);
                // A model that quantises activations dynamically scales each run by its largest value, so a text's
                // vector would depend on the texts batched with it: such models embed one text per run.
                int batch = opts.batchSize() != null && opts.batchSize() > 0 ? opts.batchSize() : s.embeddingBatchSize();
                if (OnnxFileCheck.mentions(folder.model(), "DynamicQuantizeLinear")) {
                    batch = 1;
                }
                result = new EmbeddingModel(model, env, session, tokenizer, layout, batch, limit,
                        this::forget);
            } else {
                int context = opts.contextLength() != null && opts.contextLength() > 0 ? opts.contextLength()
                        : s.contextLength() > 0 ? s.contextLength() : modelContext > 0 ? modelContext : 2048;
                if (modelContext > 0) {
                    context = Math.min(context, modelContext);
                }
                result = new DecoderModel(model, env, session, tokenizer, layout, folder, context, this::forget);
            }
            loaded.add(result);
            return result;
        } catch (OrtException | IOException | RuntimeException e) {
            closeQuietly(session);
            tokenizer.close();
            if (e instanceof ModelLoadException m) {
                throw m;
            }
            String code = e instanceof TerroirException t ? t.code() : "onnx.load.failed";
            String message = e instanceof TerroirException ? e.getMessage()
                    : Messages.get("onnx.load.failed", folder.model(), e.getMessage());
            throw new ModelLoadException(e instanceof TerroirException t ? t.kind() : ErrorKind.INTERNAL, code, message,
                    e);
        }
    }

    private void forget(OnnxModel model) {
        loaded.remove(model);
    }

    /** Models this backend holds now. */
    public int loadedCount() {
        return loaded.size();
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a refused session", e);
            }
        }
    }
}

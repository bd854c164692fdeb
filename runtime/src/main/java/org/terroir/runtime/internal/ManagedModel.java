package org.terroir.runtime.internal;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.energy.EnergyMeter;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.api.inference.TokenListener;

/** A loaded model as the manager tracks it: which backend holds it, its generations under way, its last use. */
final class ManagedModel implements LoadedModel {
    private final String id;
    private final LoadedModel delegate;
    private final InferenceBackend backend;
    private final LoadOptions options;
    private final Instant loadedAt;
    private final long loadMillis;
    private final Set<ManagedGeneration> running = ConcurrentHashMap.newKeySet();
    private final Runnable onClose;
    private final Supplier<EnergyMeter> energy;
    private volatile Instant lastUsed;
    private volatile GenerationException gone;

    ManagedModel(String id, LoadedModel delegate, InferenceBackend backend, LoadOptions options, long loadMillis,
            Runnable onClose, Supplier<EnergyMeter> energy) {
        this.energy = energy;
        this.id = id;
        this.delegate = delegate;
        this.backend = backend;
        this.options = options;
        this.loadMillis = loadMillis;
        this.onClose = onClose;
        this.loadedAt = Instant.now();
        this.lastUsed = loadedAt;
    }

    String id() {
        return id;
    }

    private boolean remote() {
        try {
            return backend.remote();
        } catch (RuntimeException e) {
            return false;
        }
    }

    InferenceBackend backend() {
        return backend;
    }

    LoadOptions options() {
        return options;
    }

    Instant lastUsed() {
        return lastUsed;
    }

    /** Chosen again (loaded while already loaded): as recently used as a model that just answered. */
    void touch() {
        lastUsed = Instant.now();
    }

    boolean busy() {
        running.removeIf(ManagedGeneration::isDone);
        return !running.isEmpty();
    }

    LoadedModelInfo info() {
        return new LoadedModelInfo(id, delegate.descriptor(), delegate.backendId(), delegate.contextLength(), loadedAt,
                loadMillis, lastUsed);
    }

    @Override
    public ModelDescriptor descriptor() {
        return delegate.descriptor();
    }

    @Override
    public String backendId() {
        return delegate.backendId();
    }

    @Override
    public int contextLength() {
        return delegate.contextLength();
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        GenerationException error = gone;
        if (error != null) {
            throw error;
        }
        lastUsed = Instant.now();
        // A remote model's energy is spent on its server: this computer's CPU time would be a wrong figure.
        EnergyMeter meter = remote() ? null : energy.get();
        EnergyMeter.Window window = meter == null ? null : openWindow(meter);
        ManagedGeneration generation;
        try {
            // Both callbacks forwarded: a lambda here would keep onToken only and drop the streamed tool calls.
            generation = new ManagedGeneration(delegate.generate(request, new TokenListener() {
                @Override
                public void onToken(String text) {
                    if (gone == null) {
                        listener.onToken(text);
                    }
                }

                @Override
                public void onToolCall(org.terroir.api.inference.ToolCall call) {
                    if (gone == null) {
                        listener.onToolCall(call);
                    }
                }
            }), window);
        } catch (RuntimeException e) {
            if (window != null) {
                window.close();
            }
            throw e;
        }
        running.add(generation);
        generation.result().whenComplete((stats, failure) -> {
            running.remove(generation);
            lastUsed = Instant.now();
        });
        return generation;
    }

    /** A measurement window over the model's process; none when the meter fails (energy is never worth an error). */
    private EnergyMeter.Window openWindow(EnergyMeter meter) {
        try {
            return meter.open(delegate.processId());
        } catch (RuntimeException e) {
            System.getLogger(ManagedModel.class.getName()).log(System.Logger.Level.DEBUG, "energy not measured", e);
            return null;
        }
    }

    @Override
    public OptionalLong processId() {
        return delegate.processId();
    }

    @Override
    public boolean supportsEmbeddings() {
        return delegate.supportsEmbeddings();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        lastUsed = Instant.now();
        return delegate.embed(texts);
    }

    @Override
    public int[] tokenize(String text) {
        return delegate.tokenize(text);
    }

    @Override
    public boolean isAlive() {
        return gone == null && delegate.isAlive();
    }

    /** The backend is leaving: end every generation with {@code error}, then free the model. */
    void abandon(GenerationException error) {
        gone = error;
        for (ManagedGeneration generation : running) {
            generation.fail(error);
        }
        running.clear();
        closeDelegate();
    }

    @Override
    public void close() {
        onClose.run();
    }

    void closeDelegate() {
        try {
            delegate.close();
        } catch (RuntimeException e) {
            System.getLogger(ManagedModel.class.getName()).log(System.Logger.Level.WARNING,
                    "closing model " + id + " failed", e);
        }
    }
}

package org.terroir.chat.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.BackendInfo;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.api.inference.ModelManager;
import org.terroir.testkit.model.ScriptedModel;

/** A model manager over a fixed set of scripted models, "loaded" on demand by name or path. */
final class SimpleModelManager implements ModelManager {
    private final Map<String, ScriptedModel> available = new ConcurrentHashMap<>();
    private final Map<String, ScriptedModel> loaded = new ConcurrentHashMap<>();
    private volatile ScriptedModel current;
    final List<String> loads = new ArrayList<>();

    SimpleModelManager offer(ScriptedModel model) {
        available.put(model.descriptor().name(), model);
        available.put(model.descriptor().path().toString(), model);
        return this;
    }

    @Override
    public ModelDescriptor describe(String modelRef) {
        return lookup(modelRef).descriptor();
    }

    private ScriptedModel lookup(String ref) {
        ScriptedModel m = available.get(ref);
        if (m == null) {
            throw new TerroirException("model.unknown", "no model " + ref);
        }
        return m;
    }

    @Override
    public synchronized LoadedModel load(String modelRef, LoadOptions options) {
        ScriptedModel m = lookup(modelRef);
        loads.add(modelRef);
        loaded.put(m.descriptor().name(), m);
        current = m;
        return m;
    }

    @Override
    public boolean unload(String modelId) {
        return loaded.remove(modelId) != null;
    }

    @Override
    public void unloadAll() {
        loaded.clear();
    }

    @Override
    public List<LoadedModelInfo> loaded() {
        return loaded.values().stream().map(m -> new LoadedModelInfo(m.descriptor().name(), m.descriptor(), "scripted",
                m.contextLength(), Instant.now(), 0, Instant.now())).toList();
    }

    @Override
    public Optional<LoadedModel> find(String ref) {
        return loaded.values().stream()
                .filter(m -> m.descriptor().name().equals(ref) || m.descriptor().path().toString().equals(ref))
                .map(LoadedModel.class::cast).findFirst();
    }

    @Override
    public Optional<LoadedModel> current() {
        return Optional.ofNullable(current);
    }

    @Override
    public List<BackendInfo> backends() {
        return List.of();
    }
}

package org.terroir.itest.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.testkit.model.ScriptedModel;

/**
 * A badly behaved plugin backend for ".slow" files: a file named {@code *.null.slow} loads as null, one named
 * {@code *.hang.slow} never finishes loading, others give a model that writes "tick " every 20 ms until its token
 * limit or until cancelled (testkit's {@link ScriptedModel}). Cancellations are counted in the system property
 * {@value #CANCELLED} (the test and the plugin bundle see different copies of these classes, but one JVM).
 */
public class SlowBackend implements InferenceBackend {
    public static final String CANCELLED = "terroir.itest.slow.cancelled";
    static final ModelFormat SLOW = new ModelFormat("slow");

    @Override
    public String id() {
        return "slow";
    }

    @Override
    public String displayName() {
        return "Slow (plugin)";
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(SLOW);
    }

    @Override
    public Optional<ModelDescriptor> describe(Path path) {
        if (!path.toString().endsWith(".slow") || !Files.isRegularFile(path)) {
            return Optional.empty();
        }
        return Optional.of(new ModelDescriptor(path.getFileName().toString(), path, SLOW, path.toFile().length(),
                Map.of(ModelDescriptor.ARCHITECTURE, "slow")));
    }

    @Override
    public boolean supports(ModelDescriptor model) {
        return model.format().equals(SLOW);
    }

    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options) {
        String name = model.path().getFileName().toString();
        if (name.endsWith(".null.slow")) {
            return null;
        }
        if (name.endsWith(".hang.slow")) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
        ScriptedModel ticking = ScriptedModel.ticking(model, "slow", 20);
        ticking.onCancel(() -> {
            synchronized (SlowBackend.class) {
                System.setProperty(CANCELLED, Integer.toString(Integer.getInteger(CANCELLED, 0) + 1));
            }
        });
        return ticking;
    }
}

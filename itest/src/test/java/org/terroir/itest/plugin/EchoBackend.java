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
 * A third-party backend as a plugin author would write one: it serves ".echo" files by repeating the prompt (testkit's
 * {@link ScriptedModel}). The test packs it, and the scripted model, into a bundle of its own ({@link PluginJar}) and
 * drops it into plugins/.
 */
public class EchoBackend implements InferenceBackend {
    static final ModelFormat ECHO = new ModelFormat("echo");

    @Override
    public String id() {
        return "echo";
    }

    @Override
    public String displayName() {
        return "Echo (plugin)";
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ECHO);
    }

    @Override
    public Optional<ModelDescriptor> describe(Path path) {
        if (!path.toString().endsWith(".echo") || !Files.isRegularFile(path)) {
            return Optional.empty();
        }
        return Optional.of(new ModelDescriptor(path.getFileName().toString(), path, ECHO, path.toFile().length(),
                Map.of(ModelDescriptor.ARCHITECTURE, "echo")));
    }

    @Override
    public boolean supports(ModelDescriptor model) {
        return model.format().equals(ECHO);
    }

    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options) {
        return ScriptedModel.parrot(model, "echo");
    }
}

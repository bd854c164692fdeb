package org.example.terroir.echo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelLoadException;

/**
 * A backend for a made-up model format: a {@code .rules} file, one rule a line, {@code keyword => answer}
 * ({@code * => answer} for any other message). It answers the last message with the first rule whose keyword the
 * message contains, or repeats the message when no rule matches. Registered as any backend is: a DS component
 * providing {@link InferenceBackend} with the {@code terroir.backend.id} property; the runtime picks it for the
 * files it {@link #supports supports}.
 */
@Component(service = InferenceBackend.class, property = {"terroir.backend.id=rules", "service.ranking:Integer=10"})
public class RulesBackend implements InferenceBackend {
    static final ModelFormat RULES = new ModelFormat("rules");
    /** A rules file is small: larger ones are refused before reading. */
    static final long MAX_SIZE = 1 << 20;

    @Override
    public String id() {
        return "rules";
    }

    @Override
    public String displayName() {
        return "Rules (example plugin)";
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(RULES);
    }

    @Override
    public Optional<ModelDescriptor> describe(Path path) {
        if (!path.getFileName().toString().endsWith(".rules") || !Files.isRegularFile(path)) {
            return Optional.empty();
        }
        return Optional.of(new ModelDescriptor(path.getFileName().toString(), path, RULES, path.toFile().length(),
                Map.of(ModelDescriptor.ARCHITECTURE, "rules")));
    }

    @Override
    public boolean supports(ModelDescriptor model) {
        return RULES.equals(model.format());
    }

    @Override
    public LoadedModel load(ModelDescriptor model, LoadOptions options) throws ModelLoadException {
        try {
            if (Files.size(model.path()) > MAX_SIZE) {
                throw new ModelLoadException(ErrorKind.INVALID_MODEL, "rules.too.large",
                        model.path() + " is larger than 1 MB: a rules file holds a few rules, one a line");
            }
            return new RulesModel(model, Rules.parse(Files.readAllLines(model.path())));
        } catch (IOException e) {
            throw new ModelLoadException(ErrorKind.INVALID_MODEL, "rules.unreadable",
                    "cannot read " + model.path() + ": " + e.getMessage(), e);
        }
    }
}

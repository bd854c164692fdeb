package org.terroir.catalog.internal.library;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.terroir.api.catalog.ModelSource;

/** A folder where another tool keeps models that Terroir uses in place. */
public record ExternalRoot(ModelSource source, Path path) {

    /** The folders LM Studio, the Hugging Face cache and Ollama use by default, honouring their variables. */
    public static List<ExternalRoot> defaults(Map<String, String> env, Path userHome) {
        List<ExternalRoot> roots = new ArrayList<>();
        roots.add(new ExternalRoot(ModelSource.LM_STUDIO, userHome.resolve(".lmstudio/models")));
        roots.add(new ExternalRoot(ModelSource.LM_STUDIO, userHome.resolve(".cache/lm-studio/models")));
        String hubCache = env.get("HF_HUB_CACHE");
        if (hubCache == null || hubCache.isBlank()) {
            String hfHome = env.get("HF_HOME");
            Path base = hfHome == null || hfHome.isBlank() ? userHome.resolve(".cache/huggingface") : Path.of(hfHome);
            roots.add(new ExternalRoot(ModelSource.HUGGING_FACE_CACHE, base.resolve("hub")));
        } else {
            roots.add(new ExternalRoot(ModelSource.HUGGING_FACE_CACHE, Path.of(hubCache)));
        }
        String ollama = env.get("OLLAMA_MODELS");
        roots.add(new ExternalRoot(ModelSource.OLLAMA,
                ollama == null || ollama.isBlank() ? userHome.resolve(".ollama/models") : Path.of(ollama)));
        return roots;
    }
}

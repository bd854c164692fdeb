package org.terroir.itest.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.InferenceBackend;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.TokenListener;

/**
 * A badly behaved plugin backend for ".slow" files: a file named {@code *.null.slow} loads as null, one named
 * {@code *.hang.slow} never finishes loading, others give a model that writes "tick " every 20 ms until its token
 * limit or until cancelled. Cancellations are counted in the system property {@value #CANCELLED} (the test and the
 * plugin bundle see different copies of these classes, but one JVM).
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
        return new SlowModel(model);
    }

    /** Ticks until cancelled. */
    public static final class SlowModel implements LoadedModel {
        private final ModelDescriptor descriptor;

        SlowModel(ModelDescriptor descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public ModelDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public String backendId() {
            return "slow";
        }

        @Override
        public int contextLength() {
            return 1_000_000;
        }

        @Override
        public Generation generate(GenerationRequest request, TokenListener listener) {
            return new Ticking(request.sampling().maxTokens(), listener);
        }

        @Override
        public boolean supportsEmbeddings() {
            return false;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int[] tokenize(String text) {
            return new int[Math.max(1, text.length() / 4)];
        }

        @Override
        public boolean isAlive() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** One generation on its own thread. */
    static final class Ticking implements Generation {
        private final CompletableFuture<GenerationStats> result = new CompletableFuture<>();
        private volatile boolean cancelled;

        Ticking(int maxTokens, TokenListener listener) {
            Thread t = new Thread(() -> {
                StringBuilder text = new StringBuilder();
                int n = 0;
                try {
                    while (n < maxTokens && !cancelled) {
                        Thread.sleep(20);
                        listener.onToken("tick ");
                        text.append("tick ");
                        n++;
                    }
                } catch (InterruptedException e) {
                    cancelled = true;
                }
                if (cancelled) {
                    synchronized (SlowBackend.class) {
                        System.setProperty(CANCELLED, Integer.toString(Integer.getInteger(CANCELLED, 0) + 1));
                    }
                }
                result.complete(new GenerationStats(text.toString(), 1, n, 20, n * 20.0,
                        cancelled ? FinishReason.CANCELLED : FinishReason.LENGTH));
            }, "slow-plugin-generation");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public CompletableFuture<GenerationStats> result() {
            return result;
        }
    }
}

package org.terroir.itest.plugin;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.TokenListener;

/** Repeats the last message word by word. */
public class EchoModel implements LoadedModel {
    private final ModelDescriptor descriptor;

    EchoModel(ModelDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public String backendId() {
        return "echo";
    }

    @Override
    public int contextLength() {
        return 1024;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        String text = request.isChat() ? request.messages().get(request.messages().size() - 1).content()
                : request.prompt();
        String[] words = text.split(" ");
        for (int i = 0; i < words.length; i++) {
            listener.onToken(i == 0 ? words[i] : " " + words[i]);
        }
        CompletableFuture<GenerationStats> done = CompletableFuture.completedFuture(
                new GenerationStats(text, words.length, words.length, 0, 0, FinishReason.STOP));
        return new Generation() {
            @Override
            public void cancel() {
            }

            @Override
            public CompletableFuture<GenerationStats> result() {
                return done;
            }
        };
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
        return new int[text.split(" ").length];
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public void close() {
    }
}

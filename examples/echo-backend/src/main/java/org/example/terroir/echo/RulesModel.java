package org.example.terroir.echo;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.TokenListener;

/** A loaded rules file: answers word by word, as a real model streams its tokens. */
final class RulesModel implements LoadedModel {
    private static final int CONTEXT = 4096;
    private final ModelDescriptor descriptor;
    private final Rules rules;
    private volatile boolean open = true;

    RulesModel(ModelDescriptor descriptor, Rules rules) {
        this.descriptor = descriptor;
        this.rules = rules;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public String backendId() {
        return "rules";
    }

    @Override
    public int contextLength() {
        return CONTEXT;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        long start = System.nanoTime();
        String message = lastUserMessage(request);
        int promptTokens = tokenize(message).length;
        if (promptTokens > CONTEXT) {
            // The typed error contract: front ends map PROMPT_TOO_LONG to their context-length error.
            throw new GenerationException(ErrorKind.PROMPT_TOO_LONG, "rules.prompt.too.long",
                    "the message has " + promptTokens + " words; this model reads " + CONTEXT + " at most");
        }
        String answer = rules.answer(message);
        String[] words = answer.split(" ");
        int limit = request.sampling() == null ? 0 : request.sampling().maxTokens();
        int max = limit > 0 ? Math.min(limit, words.length) : words.length;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < max; i++) {
            String piece = i == 0 ? words[i] : " " + words[i];
            text.append(piece);
            listener.onToken(piece);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        CompletableFuture<GenerationStats> done = CompletableFuture.completedFuture(new GenerationStats(
                text.toString(), promptTokens, max, ms, ms, max < words.length ? FinishReason.LENGTH
                        : FinishReason.STOP));
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

    private static String lastUserMessage(GenerationRequest request) {
        if (!request.isChat()) {
            return request.prompt();
        }
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == ChatMessage.Role.USER) {
                return messages.get(i).content();
            }
        }
        return "";
    }

    @Override
    public boolean supportsEmbeddings() {
        return false;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        throw new GenerationException(ErrorKind.UNSUPPORTED, "rules.no.embeddings",
                "a rules model makes no embeddings");
    }

    @Override
    public int[] tokenize(String text) {
        return new int[text.isBlank() ? 0 : text.strip().split("\\s+").length];
    }

    @Override
    public boolean isAlive() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}

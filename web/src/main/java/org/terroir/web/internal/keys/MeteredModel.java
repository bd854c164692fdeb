package org.terroir.web.internal.keys;

import java.util.List;
import java.util.OptionalLong;

import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.TokenListener;

/**
 * A loaded model as one member's request sees it: each generation's prompt and generated tokens (and energy) are
 * added to the member's usage when it ends, whatever the dialect that asked; with a daily token limit, a generation
 * may produce at most what remains of it (then it ends as if its {@code max_tokens} was reached: finish "length").
 * Closing it does not unload the model: the model belongs to the runtime.
 */
public final class MeteredModel implements LoadedModel {
    private final LoadedModel model;
    private final Member member;

    private MeteredModel(LoadedModel model, Member member) {
        this.model = model;
        this.member = member;
    }

    /** The model metered for the current member, or the model itself when no member is current. */
    public static LoadedModel forCurrentMember(LoadedModel model) {
        Member member = Member.current();
        return member == null || model instanceof MeteredModel ? model : new MeteredModel(model, member);
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        long remaining = member.remainingTokens();
        GenerationRequest bounded = request;
        Sampling sampling = request.sampling();
        if (remaining != Long.MAX_VALUE && (sampling.maxTokens() <= 0 || sampling.maxTokens() > remaining)) {
            bounded = request.withSampling(sampling.withMaxTokens((int) Math.max(1, Math.min(remaining,
                    Integer.MAX_VALUE))));
        }
        Generation generation = model.generate(bounded, listener);
        generation.result().whenComplete((stats, error) -> {
            if (stats != null) {
                member.record(stats);
            }
        });
        return generation;
    }

    @Override
    public ModelDescriptor descriptor() {
        return model.descriptor();
    }

    @Override
    public String backendId() {
        return model.backendId();
    }

    @Override
    public int contextLength() {
        return model.contextLength();
    }

    @Override
    public boolean supportsEmbeddings() {
        return model.supportsEmbeddings();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return model.embed(texts);
    }

    @Override
    public int[] tokenize(String text) {
        return model.tokenize(text);
    }

    @Override
    public boolean isAlive() {
        return model.isAlive();
    }

    @Override
    public OptionalLong processId() {
        return model.processId();
    }

    @Override
    public void close() {
        // the runtime's model, not this request's
    }
}

package org.terroir.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.terroir.api.energy.EnergyMeter;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationStats;

/**
 * A backend's generation as the manager hands it out: it can be failed from outside, so that a generation whose
 * backend goes away ends at once with a clear error instead of waiting on a backend that no longer answers.
 */
final class ManagedGeneration implements Generation {
    private final Generation delegate;
    private final CompletableFuture<GenerationStats> result = new CompletableFuture<>();

    /**
     * @param energy a window opened just before the backend started; closed when the backend's result arrives, its
     *               energy added to the stats unless the backend gave its own (null: no meter)
     */
    ManagedGeneration(Generation delegate, EnergyMeter.Window energy) {
        this.delegate = delegate;
        delegate.result().whenComplete((stats, error) -> {
            EnergyUse used = energy == null ? null : close(energy);
            if (error == null) {
                result.complete(stats != null && stats.energy() == null && used != null ? stats.withEnergy(used) : stats);
            } else {
                result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            }
        });
    }

    private static EnergyUse close(EnergyMeter.Window window) {
        try {
            return window.close();
        } catch (RuntimeException e) {
            System.getLogger(ManagedGeneration.class.getName()).log(System.Logger.Level.DEBUG, "energy not measured", e);
            return null;
        }
    }

    @Override
    public void cancel() {
        delegate.cancel();
    }

    @Override
    public CompletableFuture<GenerationStats> result() {
        return result;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Ends the generation with {@code error} and asks the backend to stop it. */
    void fail(GenerationException error) {
        if (result.completeExceptionally(error)) {
            try {
                delegate.cancel();
            } catch (RuntimeException ignored) {
                // The backend is going away; its own cleanup ends the work.
            }
        }
    }
}

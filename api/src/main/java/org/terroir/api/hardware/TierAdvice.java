package org.terroir.api.hardware;

import java.util.List;

/**
 * A tier explained in the user's language.
 *
 * @param tier       the tier
 * @param modelSizes the model sizes it suits, e.g. "3B – 7B"
 * @param hardware   the machine the guide describes for it
 * @param tasks      what models of that size do well
 * @param tryFirst   what to try first: always a model under 4 GB, whatever the tier
 * @param why        why this machine is in this tier (the figures that decided)
 */
public record TierAdvice(Tier tier, String modelSizes, String hardware, List<String> tasks, String tryFirst,
        String why) {
    public TierAdvice {
        tasks = List.copyOf(tasks);
    }
}

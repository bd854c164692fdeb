package org.terroir.api.web;

import java.time.Instant;
import java.time.LocalDate;

/**
 * What one API key used since it was created, kept across restarts.
 *
 * @param requests         requests accepted with this key (refused ones are not counted)
 * @param promptTokens     prompt tokens of its generations, on every API dialect
 * @param completionTokens generated tokens of its generations
 * @param energyJoules     energy of its generations, measured or estimated (0 when the backend tells none)
 * @param lastUsed         its last accepted request, null when never used
 * @param day              the local day {@code tokensToday} counts, null when never used
 * @param tokensToday      prompt and completion tokens of {@code day}, what {@link KeyLimits#tokensPerDay()} caps
 */
public record KeyUsage(long requests, long promptTokens, long completionTokens, double energyJoules, Instant lastUsed,
        LocalDate day, long tokensToday) {
    /** A key never used. */
    public static final KeyUsage NONE = new KeyUsage(0, 0, 0, 0, null, null, 0);

    /** Tokens used on {@code today} (0 when the last use was another day). */
    public long tokensOn(LocalDate today) {
        return today.equals(day) ? tokensToday : 0;
    }
}

package org.terroir.web.internal.keys;

import org.terroir.api.energy.EnergyUse;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.web.KeyLimits;

/**
 * The key a request was admitted with, from the guard's admission to the end of the request. The servlets never
 * see it: {@link #current()} is set on the request's thread by the guard, and the model a request generates with is
 * wrapped ({@link MeteredModel}) while a member is current, so that every API dialect counts its tokens in one place.
 */
public final class Member implements AutoCloseable {
    private static final ThreadLocal<Member> CURRENT = new ThreadLocal<>();
    private final String id;
    private final KeyLimits limits;
    private final UsageStore usage;
    private final Runnable release;
    private boolean closed;

    Member(String id, KeyLimits limits, UsageStore usage, Runnable release) {
        this.id = id;
        this.limits = limits;
        this.usage = usage;
        this.release = release;
    }

    /** The member whose request this thread serves, or null (the page, a loopback program without key). */
    public static Member current() {
        return CURRENT.get();
    }

    /** Makes this member current on this thread until {@link #close()}. */
    public Member enter() {
        CURRENT.set(this);
        return this;
    }

    public String id() {
        return id;
    }

    /** Tokens this key may still use today; {@link Long#MAX_VALUE} without a daily limit. */
    public long remainingTokens() {
        if (limits.tokensPerDay() == 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, limits.tokensPerDay() - usage.tokensToday(id));
    }

    /** Counts one finished generation: its prompt and generated tokens, and its energy when known. */
    public void record(GenerationStats stats) {
        EnergyUse energy = stats.energy();
        usage.addGeneration(id, stats.promptTokens(), stats.generatedTokens(), energy == null ? 0 : energy.joules());
    }

    @Override
    public synchronized void close() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}

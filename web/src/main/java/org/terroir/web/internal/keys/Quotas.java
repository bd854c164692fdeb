package org.terroir.web.internal.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.terroir.api.web.KeyLimits;
import org.terroir.web.internal.keys.ApiKeyStore.StoredKey;

/**
 * Decides, at the start of each request, whether a key may go on: not expired, under its requests at once, under its
 * requests per minute (a sliding window of the last 60 seconds, the accepted requests' times kept in memory, at most
 * {@code requestsPerMinute} of them per key), under its tokens of today (local midnight to midnight, read from
 * {@link UsageStore}). No background thread: each request looks at the clock. The minute window is not kept across
 * restarts (a restart gives a fresh minute); tokens of the day are.
 */
final class Quotas {
    private final Clock clock;
    private final UsageStore usage;
    private final Map<String, KeyState> states = new ConcurrentHashMap<>();

    private static final class KeyState {
        final ArrayDeque<Long> recent = new ArrayDeque<>();
        int inFlight;
    }

    Quotas(Clock clock, UsageStore usage) {
        this.clock = clock;
        this.usage = usage;
    }

    /** Admits one request of {@code key} or throws {@link KeyRefusal}; the admission must be closed at its end. */
    Member admit(StoredKey key) {
        Instant now = clock.instant();
        if (key.toApiKey().expiredAt(now)) {
            throw new KeyRefusal(key.toApiKey(), KeyRefusal.Reason.EXPIRED, 0, 0);
        }
        KeyLimits limits = key.limits();
        KeyState state = states.computeIfAbsent(key.id(), k -> new KeyState());
        synchronized (state) {
            if (limits.maxConcurrent() > 0 && state.inFlight >= limits.maxConcurrent()) {
                throw new KeyRefusal(key.toApiKey(), KeyRefusal.Reason.CONCURRENT, 1, state.inFlight);
            }
            // Read under the lock: the window's times then never run ahead of the one compared with them.
            long nowMillis = clock.millis();
            while (!state.recent.isEmpty() && state.recent.peekFirst() <= nowMillis - 60_000) {
                state.recent.pollFirst();
            }
            if (limits.requestsPerMinute() > 0) {
                while (state.recent.size() > limits.requestsPerMinute()) {
                    state.recent.pollFirst(); // the limit was lowered
                }
                if (state.recent.size() >= limits.requestsPerMinute()) {
                    long wait = state.recent.peekFirst() + 60_000 - nowMillis;
                    throw new KeyRefusal(key.toApiKey(), KeyRefusal.Reason.REQUESTS_PER_MINUTE,
                            Math.min(60, Math.max(1, (wait + 999) / 1000)), state.recent.size());
                }
            }
            long today = usage.tokensToday(key.id());
            if (limits.tokensPerDay() > 0 && today >= limits.tokensPerDay()) {
                throw new KeyRefusal(key.toApiKey(), KeyRefusal.Reason.TOKENS_PER_DAY, secondsToMidnight(), today);
            }
            if (limits.requestsPerMinute() > 0) {
                state.recent.addLast(nowMillis);
            }
            state.inFlight++;
        }
        usage.countRequest(key.id());
        return new Member(key.id(), limits, usage, () -> {
            synchronized (state) {
                state.inFlight--;
            }
        });
    }

    void forget(String id) {
        states.remove(id);
    }

    /** Requests of this key under way now. */
    int inFlight(String id) {
        KeyState state = states.get(id);
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            return state.inFlight;
        }
    }

    long secondsToMidnight() {
        ZonedDateTime now = ZonedDateTime.now(clock);
        ZonedDateTime midnight = now.toLocalDate().plusDays(1).atStartOfDay(clock.getZone());
        return Math.max(1, Duration.between(now, midnight).toSeconds());
    }
}

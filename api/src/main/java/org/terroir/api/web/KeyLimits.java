package org.terroir.api.web;

/**
 * What one API key may use; 0 in a field means no limit there.
 *
 * @param requestsPerMinute most requests in any 60 seconds (a sliding window); more get a 429 with
 *                          {@code Retry-After}
 * @param tokensPerDay      most tokens (prompt and completion) per day, counted from local midnight to the next
 * @param maxConcurrent     most requests of this key served or waiting at once
 */
public record KeyLimits(int requestsPerMinute, long tokensPerDay, int maxConcurrent) {
    /** No limit at all (the key of one trusted person or program). */
    public static final KeyLimits NONE = new KeyLimits(0, 0, 0);

    public KeyLimits {
        if (requestsPerMinute < 0 || tokensPerDay < 0 || maxConcurrent < 0) {
            throw new IllegalArgumentException("a limit is 0 (none) or positive");
        }
    }

    public boolean unlimited() {
        return requestsPerMinute == 0 && tokensPerDay == 0 && maxConcurrent == 0;
    }

    public KeyLimits withRequestsPerMinute(int value) {
        return new KeyLimits(value, tokensPerDay, maxConcurrent);
    }

    public KeyLimits withTokensPerDay(long value) {
        return new KeyLimits(requestsPerMinute, value, maxConcurrent);
    }

    public KeyLimits withMaxConcurrent(int value) {
        return new KeyLimits(requestsPerMinute, tokensPerDay, value);
    }
}

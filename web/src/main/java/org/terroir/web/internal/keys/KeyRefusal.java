package org.terroir.web.internal.keys;

import org.terroir.api.web.ApiKey;

/** A known key refused for one request: why, and after how many seconds asking again can succeed. */
public final class KeyRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a key is refused. */
    public enum Reason { EXPIRED, CONCURRENT, REQUESTS_PER_MINUTE, TOKENS_PER_DAY }

    private final transient ApiKey key;
    private final Reason reason;
    private final long retryAfterSeconds;
    private final long used;

    KeyRefusal(ApiKey key, Reason reason, long retryAfterSeconds, long used) {
        super(reason.name(), null, false, false);
        this.key = key;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.used = used;
    }

    public ApiKey key() {
        return key;
    }

    public Reason reason() {
        return reason;
    }

    /** Seconds to wait (at least 1); 0 for an expired key, which waiting does not help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** What the key used of the limit that refused it (requests under way, in the minute, tokens of the day). */
    public long used() {
        return used;
    }
}

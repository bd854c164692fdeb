package org.terroir.api.web;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored.
 *
 * @param id      short public id, used to revoke it
 * @param label   what the user calls it (may be empty): who uses it
 * @param created when it was created
 * @param hint    the first characters of the secret, to recognise it
 * @param expires when it stops being accepted (401), null for never
 * @param limits  its quotas and rate limits
 * @param usage   what it used so far
 */
public record ApiKey(String id, String label, Instant created, String hint, Instant expires, KeyLimits limits,
        KeyUsage usage) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        label = label == null ? "" : label;
        limits = limits == null ? KeyLimits.NONE : limits;
        usage = usage == null ? KeyUsage.NONE : usage;
    }

    /** A key without expiry, limits or usage (the shape of api 1.1). */
    public ApiKey(String id, String label, Instant created, String hint) {
        this(id, label, created, hint, null, KeyLimits.NONE, KeyUsage.NONE);
    }

    /** Whether it is no longer accepted at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    public ApiKey withExpires(Instant value) {
        return new ApiKey(id, label, created, hint, value, limits, usage);
    }

    public ApiKey withLimits(KeyLimits value) {
        return new ApiKey(id, label, created, hint, expires, value, usage);
    }

    public ApiKey withUsage(KeyUsage value) {
        return new ApiKey(id, label, created, hint, expires, limits, value);
    }
}

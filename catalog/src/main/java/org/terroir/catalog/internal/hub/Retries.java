package org.terroir.catalog.internal.hub;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import java.net.http.HttpHeaders;

/**
 * The one retry rule of the catalog, for the Hub's API calls (429s) and for downloads (dropped connections, 5xx,
 * 429s): {@link HubSettings#maxRetries()} attempts after the first, a delay that doubles from
 * {@link HubSettings#retryBase()} up to {@link #MAX_DELAY}, and the server's {@code Retry-After} when it gives one
 * (refused above {@link #MAX_RETRY_AFTER}: better a clear error than a silent two-minute wait).
 */
public final class Retries {
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(120);

    private final HubSettings settings;

    public Retries(HubSettings settings) {
        this.settings = settings;
    }

    /** Whether a retry may follow the {@code failures}-th failure in a row (1 for the first). */
    public boolean allowed(int failures) {
        return failures <= settings.maxRetries();
    }

    /** Whether a retry may follow, given what the server asked to wait. */
    public boolean allowed(int failures, Optional<Duration> retryAfter) {
        return allowed(failures) && retryAfter.map(d -> d.compareTo(MAX_RETRY_AFTER) <= 0).orElse(true);
    }

    /** How long to wait before the retry after the {@code failures}-th failure in a row. */
    public Duration delay(int failures, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return retryAfter.get().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter.get();
        }
        long ms = settings.retryBase().toMillis() << Math.min(20, Math.max(0, failures - 1));
        return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
    }

    /** The {@code Retry-After} header (seconds or an HTTP date), 1 s when absent or unreadable. */
    public static Duration retryAfter(HttpHeaders headers) {
        String v = headers.firstValue("Retry-After").orElse("1").trim();
        try {
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.ofSeconds(Math.max(1, Duration.between(ZonedDateTime.now(at.getZone()), at)
                        .toSeconds()));
            } catch (RuntimeException e2) {
                return Duration.ofSeconds(1);
            }
        }
    }
}

package org.terroir.catalog.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RetriesTest {
    private static final Retries RETRIES = new Retries(new HubSettings(URI.create("http://127.0.0.1:1"), null, null,
            0, Duration.ofSeconds(1), Duration.ofSeconds(1), 3, Duration.ofMillis(100)));

    @Test
    void theDelayDoublesUpToItsCap() {
        assertEquals(Duration.ofMillis(100), RETRIES.delay(1, Optional.empty()));
        assertEquals(Duration.ofMillis(200), RETRIES.delay(2, Optional.empty()));
        assertEquals(Duration.ofMillis(400), RETRIES.delay(3, Optional.empty()));
        assertEquals(Retries.MAX_DELAY, RETRIES.delay(12, Optional.empty()));
        assertEquals(Retries.MAX_DELAY, RETRIES.delay(Integer.MAX_VALUE, Optional.empty()));
    }

    @Test
    void theBudgetIsTheSettingsMaxRetries() {
        assertTrue(RETRIES.allowed(3));
        assertFalse(RETRIES.allowed(4));
    }

    @Test
    void theServersRetryAfterWinsWithinReason() {
        assertEquals(Duration.ofSeconds(7), RETRIES.delay(1, Optional.of(Duration.ofSeconds(7))));
        assertEquals(Duration.ofSeconds(1), RETRIES.delay(1, Optional.of(Duration.ZERO)), "never a busy loop");
        assertTrue(RETRIES.allowed(1, Optional.of(Retries.MAX_RETRY_AFTER)));
        assertFalse(RETRIES.allowed(1, Optional.of(Retries.MAX_RETRY_AFTER.plusSeconds(1))), "too long: an error");
        assertFalse(RETRIES.allowed(4, Optional.of(Duration.ofSeconds(1))));
    }

    @Test
    void retryAfterReadsSecondsDatesAndNonsense() {
        assertEquals(Duration.ofSeconds(42), Retries.retryAfter(headers("42")));
        assertEquals(Duration.ofSeconds(1), Retries.retryAfter(headers("soon")));
        assertEquals(Duration.ofSeconds(1), Retries.retryAfter(HttpHeaders.of(Map.of(), (a, b) -> true)));
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
                .plusSeconds(65));
        long seconds = Retries.retryAfter(headers(inAMinute)).toSeconds();
        assertTrue(seconds >= 60 && seconds <= 65, Long.toString(seconds));
    }

    private static HttpHeaders headers(String retryAfter) {
        return HttpHeaders.of(Map.of("Retry-After", List.of(retryAfter)), (a, b) -> true);
    }
}

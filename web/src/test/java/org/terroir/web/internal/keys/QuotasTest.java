package org.terroir.web.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.KeyLimits;

/** Limits of one key against several clients at once, with a clock the test moves (no sleeping). */
class QuotasTest {
    @TempDir
    Path dir;

    /** A clock that stands still until told to move. */
    static final class TestClock extends Clock {
        volatile Instant now;
        final ZoneId zone;

        TestClock(Instant start, ZoneId zone) {
            this.now = start;
            this.zone = zone;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new TestClock(now, z);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static TestClock clockAt(String localDateTime) {
        return new TestClock(ZonedDateTime.parse(localDateTime + "+01:00[Europe/Paris]").toInstant(), PARIS);
    }

    private StoredApiKeys keys(Clock clock) {
        StoredApiKeys keys = new StoredApiKeys();
        keys.open(dir, clock);
        return keys;
    }

    /** Admits and ends one request; null when admitted, else the refusal. */
    private static KeyRefusal once(StoredApiKeys keys, String secret) {
        try (Member m = keys.admit(secret).orElseThrow()) {
            return null;
        } catch (KeyRefusal r) {
            return r;
        }
    }

    @Test
    void requestsPerMinuteHoldAgainstConcurrentClientsAndTheWindowSlides() throws Exception {
        TestClock clock = clockAt("2026-12-03T10:00:00");
        StoredApiKeys keys = keys(clock);
        CreatedKey limited = keys.create("alice", new KeyLimits(3, 0, 0), null);
        CreatedKey free = keys.create("bob");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<KeyRefusal>> alice = new ArrayList<>();
            List<Future<KeyRefusal>> bob = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                alice.add(pool.submit(waitThen(start, () -> once(keys, limited.secret()))));
                bob.add(pool.submit(waitThen(start, () -> once(keys, free.secret()))));
            }
            start.countDown();
            int admitted = 0;
            for (Future<KeyRefusal> f : alice) {
                KeyRefusal r = f.get(10, TimeUnit.SECONDS);
                if (r == null) {
                    admitted++;
                } else {
                    assertEquals(KeyRefusal.Reason.REQUESTS_PER_MINUTE, r.reason());
                    assertEquals(60, r.retryAfterSeconds(), "the clock stood still: a full minute to wait");
                }
            }
            assertEquals(3, admitted, "exactly the limit gets through, however many ask at once");
            for (Future<KeyRefusal> f : bob) {
                assertEquals(null, f.get(10, TimeUnit.SECONDS), "the other key is not limited");
            }
        } finally {
            pool.shutdownNow();
        }
        clock.advance(Duration.ofSeconds(59));
        KeyRefusal still = once(keys, limited.secret());
        assertEquals(1, still.retryAfterSeconds());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(null, once(keys, limited.secret()), "a minute later the window moved on");
        ApiKey listed = keys.list().stream().filter(k -> k.id().equals(limited.key().id())).findFirst().orElseThrow();
        assertEquals(4, listed.usage().requests(), "refused requests are not counted");
        assertEquals(20, keys.list().stream().filter(k -> k.id().equals(free.key().id())).findFirst().orElseThrow()
                .usage().requests());
    }

    private static <T> Callable<T> waitThen(CountDownLatch start, Callable<T> work) {
        return () -> {
            start.await();
            return work.call();
        };
    }

    @Test
    void requestsAtOnceAreCappedAndFreedAtTheirEnd() {
        StoredApiKeys keys = keys(clockAt("2026-12-03T10:00:00"));
        CreatedKey k = keys.create("carol", new KeyLimits(0, 0, 2), null);
        Member a = keys.admit(k.secret()).orElseThrow();
        Member b = keys.admit(k.secret()).orElseThrow();
        KeyRefusal third = assertThrows(KeyRefusal.class, () -> keys.admit(k.secret()));
        assertEquals(KeyRefusal.Reason.CONCURRENT, third.reason());
        assertEquals(2, keys.inFlight(k.key().id()));
        a.close();
        a.close();
        assertEquals(1, keys.inFlight(k.key().id()), "closing twice frees one slot only");
        keys.admit(k.secret()).orElseThrow().close();
        b.close();
        assertEquals(0, keys.inFlight(k.key().id()));
    }

    @Test
    void tokensOfTheDayCapGenerationsUntilLocalMidnightAndSurviveARestart() {
        TestClock clock = clockAt("2026-12-03T23:00:00");
        StoredApiKeys keys = keys(clock);
        CreatedKey k = keys.create("dave", new KeyLimits(0, 100, 0), null);
        try (Member m = keys.admit(k.secret()).orElseThrow().enter()) {
            assertEquals(100, m.remainingTokens());
            m.record(stats(30, 50));
            assertEquals(20, m.remainingTokens());
        }
        try (Member m = keys.admit(k.secret()).orElseThrow()) {
            m.record(stats(10, 15)); // the generation that crosses the line is not cut after the fact
        }
        KeyRefusal over = assertThrows(KeyRefusal.class, () -> keys.admit(k.secret()));
        assertEquals(KeyRefusal.Reason.TOKENS_PER_DAY, over.reason());
        assertEquals(105, over.used());
        assertEquals(3600, over.retryAfterSeconds(), "local midnight, Paris time, is one hour away");

        keys.deactivate();
        StoredApiKeys restarted = keys(clock);
        assertThrows(KeyRefusal.class, () -> restarted.admit(k.secret()), "the day's tokens are kept on disk");
        ApiKey listed = restarted.list().get(0);
        assertEquals(40, listed.usage().promptTokens());
        assertEquals(65, listed.usage().completionTokens());
        assertEquals(2, listed.usage().requests());
        assertEquals(1.5, listed.usage().energyJoules(), 1e-9);

        clock.advance(Duration.ofHours(1));
        try (Member m = restarted.admit(k.secret()).orElseThrow()) {
            assertEquals(100, m.remainingTokens(), "a new day, a new count");
        }
        assertEquals(105, restarted.list().get(0).usage().completionTokens() + 40);
    }

    private static GenerationStats stats(int prompt, int generated) {
        return new GenerationStats("x", prompt, generated, 1, 1, FinishReason.STOP, 0, List.of(), List.of(),
                new org.terroir.api.energy.EnergyUse(0.75, org.terroir.api.energy.EnergyUse.Method.ESTIMATED, "test"));
    }

    @Test
    void aDiskThatRefusesTheUsageFileDoesNotRefuseTheMembers() throws Exception {
        Path blocker = dir.resolve("not-a-folder");
        Files.writeString(blocker, "x");
        UsageStore usage = new UsageStore(blocker.resolve("api-usage.json"), clockAt("2026-12-03T10:00:00"));
        usage.countRequest("k1");
        usage.addGeneration("k1", 3, 4, 0);
        usage.flush();
        assertEquals(1, usage.usage("k1").requests());
        assertEquals(7, usage.tokensToday("k1"), "counted in memory though it cannot be written");
    }

    @Test
    void anExpiredKeyIsRefusedAndNoLongerVerified() throws Exception {
        TestClock clock = clockAt("2026-12-03T10:00:00");
        StoredApiKeys keys = keys(clock);
        CreatedKey k = keys.create("erin", KeyLimits.NONE, clock.instant().plus(Duration.ofDays(1)));
        assertEquals(null, once(keys, k.secret()));
        clock.advance(Duration.ofDays(1));
        KeyRefusal r = assertThrows(KeyRefusal.class, () -> keys.admit(k.secret()));
        assertEquals(KeyRefusal.Reason.EXPIRED, r.reason());
        assertTrue(keys.update(k.key().id(), KeyLimits.NONE, null).isPresent());
        assertEquals(null, once(keys, k.secret()), "an expiry removed lets the key in again");
        assertFalse(keys.admit("trr-unknown").isPresent());
        assertFalse(keys.update("nope", KeyLimits.NONE, null).isPresent());

        Path usage = dir.resolve("api-usage.json");
        keys.deactivate();
        assertTrue(Files.isRegularFile(usage));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(usage)));
        assertFalse(Files.readString(usage).contains(k.secret()));
        assertTrue(keys.revoke(k.key().id()));
        assertFalse(Files.readString(usage).contains(k.key().id()), "a revoked key's usage goes with it");
    }
}

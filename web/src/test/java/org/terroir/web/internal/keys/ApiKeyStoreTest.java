package org.terroir.web.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.KeyLimits;

class ApiKeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void keysAreVerifiedByHashAndSurviveARestartUntilRevoked() throws Exception {
        Path file = dir.resolve("web/api-keys.json");
        ApiKeyStore store = new ApiKeyStore(file);
        CreatedKey a = store.create("editor");
        CreatedKey b = store.create(null);
        assertNotEquals(a.secret(), b.secret());
        assertTrue(a.secret().startsWith("trr-") && a.secret().length() > 40);
        assertTrue(store.verify(a.secret()));
        assertFalse(store.verify(a.secret() + "x"));
        assertFalse(store.verify(null));
        assertFalse(store.verify("trr-"));

        String stored = Files.readString(file);
        assertFalse(stored.contains(a.secret()), "only hashes are written");
        assertTrue(stored.contains(ApiKeyStore.sha256(a.secret())));

        ApiKeyStore reopened = new ApiKeyStore(file);
        assertEquals(2, reopened.count());
        assertEquals("editor", reopened.list().get(0).label());
        assertTrue(reopened.verify(b.secret()));
        assertTrue(reopened.revoke(a.key().id()));
        assertFalse(reopened.revoke(a.key().id()));
        assertFalse(reopened.verify(a.secret()));
        assertFalse(new ApiKeyStore(file).verify(a.secret()), "revocation is written");
        assertTrue(new ApiKeyStore(file).verify(b.secret()));
    }

    @Test
    void aFileWrittenBeforeLimitsReadsAsKeysWithoutLimitsAndLimitsAreKept() throws Exception {
        Path file = dir.resolve("web/api-keys.json");
        String secret = "trr-oldkeyoldkeyoldkeyoldkeyoldkeyoldkeyold";
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[{\"id\":\"0a1b2c3d\",\"label\":\"old\",\"created\":\"2026-01-01T00:00:00Z\","
                + "\"hint\":\"trr-oldk…\",\"sha256\":\"" + ApiKeyStore.sha256(secret) + "\"}]");
        ApiKeyStore store = new ApiKeyStore(file);
        assertTrue(store.verify(secret));
        assertEquals(KeyLimits.NONE, store.list().get(0).limits());
        assertNull(store.list().get(0).expires());

        Instant until = Instant.parse("2027-06-30T22:00:00Z");
        CreatedKey limited = store.create("member", new KeyLimits(3, 1000, 2), until);
        ApiKey reread = new ApiKeyStore(file).list().get(1);
        assertEquals(new KeyLimits(3, 1000, 2), reread.limits());
        assertEquals(until, reread.expires());
        assertEquals("member", reread.label());
        assertTrue(store.update(limited.key().id(), KeyLimits.NONE.withRequestsPerMinute(10), null).isPresent());
        ApiKey changed = new ApiKeyStore(file).list().get(1);
        assertEquals(new KeyLimits(10, 0, 0), changed.limits());
        assertNull(changed.expires());
        assertTrue(new ApiKeyStore(file).verify(limited.secret()));
    }
}

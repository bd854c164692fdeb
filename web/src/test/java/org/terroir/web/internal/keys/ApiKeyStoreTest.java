package org.terroir.web.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.web.CreatedKey;

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
}

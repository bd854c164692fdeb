package org.terroir.web.internal.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.terroir.api.TerroirHome;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.KeyLimits;
import org.terroir.api.web.KeyUsage;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;

/**
 * API keys in a JSON file, as SHA-256 hashes only, with their label, expiry and limits. Keys are 32 random bytes: a
 * plain hash (no slow KDF) is enough for secrets that cannot be guessed, and lets every request be checked quickly.
 * A file written before limits existed reads as keys without expiry or limits.
 */
public final class ApiKeyStore {
    static final String PREFIX = "trr-";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private List<StoredKey> keys;

    /** One key as written to disk; {@code expires} null for never, limits 0 for none. */
    record StoredKey(String id, String label, String created, String hint, String sha256, String expires, int rpm,
            long tokensPerDay, int maxConcurrent) {
        ApiKey toApiKey(KeyUsage usage) {
            return new ApiKey(id, label, Instant.parse(created), hint, expiresAt(), limits(), usage);
        }

        ApiKey toApiKey() {
            return toApiKey(KeyUsage.NONE);
        }

        KeyLimits limits() {
            return new KeyLimits(Math.max(0, rpm), Math.max(0, tokensPerDay), Math.max(0, maxConcurrent));
        }

        Instant expiresAt() {
            return expires == null || expires.isBlank() ? null : Instant.parse(expires);
        }

        StoredKey with(KeyLimits limits, Instant expiry) {
            return new StoredKey(id, label, created, hint, sha256, expiry == null ? null : expiry.toString(),
                    limits.requestsPerMinute(), limits.tokensPerDay(), limits.maxConcurrent());
        }
    }

    public ApiKeyStore(Path file) {
        this.file = file;
        this.keys = read(file);
    }

    public CreatedKey create(String label) {
        return create(label, KeyLimits.NONE, null);
    }

    public synchronized CreatedKey create(String label, KeyLimits limits, Instant expires) {
        KeyLimits l = limits == null ? KeyLimits.NONE : limits;
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[4];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        StoredKey stored = new StoredKey(id, label == null ? "" : label.strip(), Instant.now().toString(),
                secret.substring(0, PREFIX.length() + 4) + "…", sha256(secret),
                expires == null ? null : expires.toString(), l.requestsPerMinute(), l.tokensPerDay(), l.maxConcurrent());
        List<StoredKey> next = new ArrayList<>(keys);
        next.add(stored);
        write(next);
        keys = next;
        return new CreatedKey(stored.toApiKey(), secret);
    }

    public synchronized List<ApiKey> list() {
        return keys.stream().map(StoredKey::toApiKey).toList();
    }

    synchronized List<StoredKey> stored() {
        return keys;
    }

    /** Sets a key's limits and expiry; empty when there is no such key. */
    public synchronized Optional<ApiKey> update(String id, KeyLimits limits, Instant expires) {
        List<StoredKey> next = new ArrayList<>(keys);
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).id().equals(id)) {
                StoredKey changed = next.get(i).with(limits == null ? KeyLimits.NONE : limits, expires);
                next.set(i, changed);
                write(next);
                keys = next;
                return Optional.of(changed.toApiKey());
            }
        }
        return Optional.empty();
    }

    public synchronized boolean revoke(String id) {
        List<StoredKey> next = new ArrayList<>(keys);
        if (!next.removeIf(k -> k.id().equals(id))) {
            return false;
        }
        write(next);
        keys = next;
        return true;
    }

    /** Whether {@code secret} is a key of this store that has not expired at {@code now}. */
    public boolean verify(String secret) {
        return find(secret).filter(k -> !k.toApiKey().expiredAt(Instant.now())).isPresent();
    }

    /** The key whose secret this is, expired or not. */
    Optional<StoredKey> find(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] hash = HexFormat.of().parseHex(sha256(secret));
        StoredKey found = null;
        List<StoredKey> current;
        synchronized (this) {
            current = keys;
        }
        // Every key is compared, in constant time, so that timing tells nothing about which one is close.
        for (StoredKey key : current) {
            if (MessageDigest.isEqual(hash, HexFormat.of().parseHex(key.sha256()))) {
                found = key;
            }
        }
        return Optional.ofNullable(found);
    }

    public synchronized int count() {
        return keys.size();
    }

    private static List<StoredKey> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<StoredKey> read = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                    new TypeToken<List<StoredKey>>() {
                    }.getType());
            return read == null ? List.of() : List.copyOf(read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(List<StoredKey> next) {
        try {
            // Hashes only, but this account's only (0600) from the first byte.
            TerroirHome.writePrivate(file, GSON.toJson(next));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

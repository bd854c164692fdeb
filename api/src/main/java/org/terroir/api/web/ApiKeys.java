package org.terroir.api.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Keys that programs present ({@code Authorization: Bearer <key>}) when the web server listens on an address other
 * than loopback (or always, with {@code requireKeys}). Only a hash of each key is stored: a key is shown once, when
 * it is created. Each key may carry an expiry and limits (requests per minute, tokens per day, requests at once),
 * and its usage is counted: the members of a collective sharing one server each get their own key.
 */
@ProviderType
public interface ApiKeys {
    /** Creates a key without expiry or limits; the secret is in the result and nowhere else. */
    CreatedKey create(String label);

    /**
     * Creates a key with limits and an expiry (null: never); the secret is in the result and nowhere else.
     *
     * @since 1.2
     */
    CreatedKey create(String label, KeyLimits limits, Instant expires);

    /** Every key, oldest first, without secrets, with its usage. */
    List<ApiKey> list();

    /**
     * Sets a key's limits and expiry (null: never); empty when there is no such key.
     *
     * @since 1.2
     */
    Optional<ApiKey> update(String id, KeyLimits limits, Instant expires);

    /** Revokes a key by its id; false when there was none. */
    boolean revoke(String id);

    /** Whether {@code secret} is a key that was created, not revoked, and has not expired. */
    boolean verify(String secret);
}

package org.terroir.api.web;

import java.util.Objects;

/**
 * A key just created.
 *
 * @param key    the stored key
 * @param secret the value to put in {@code Authorization: Bearer}; it cannot be shown again
 */
public record CreatedKey(ApiKey key, String secret) {
    public CreatedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }
}

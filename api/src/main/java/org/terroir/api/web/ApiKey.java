package org.terroir.api.web;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored.
 *
 * @param id      short public id, used to revoke it
 * @param label   what the user calls it (may be empty)
 * @param created when it was created
 * @param hint    the first characters of the secret, to recognise it
 */
public record ApiKey(String id, String label, Instant created, String hint) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        label = label == null ? "" : label;
    }
}

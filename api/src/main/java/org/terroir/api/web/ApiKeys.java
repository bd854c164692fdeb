package org.terroir.api.web;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Keys that programs present ({@code Authorization: Bearer <key>}) when the web server listens on an address other
 * than loopback. Only a hash of each key is stored: a key is shown once, when it is created.
 */
@ProviderType
public interface ApiKeys {
    /** Creates a key; the secret is in the result and nowhere else. */
    CreatedKey create(String label);

    /** Every key, oldest first, without secrets. */
    List<ApiKey> list();

    /** Revokes a key by its id; false when there was none. */
    boolean revoke(String id);

    /** Whether {@code secret} is a key that was created and not revoked. */
    boolean verify(String secret);
}

package org.terroir.web.internal.keys;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.terroir.api.TerroirHome;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.ApiKeys;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.KeyLimits;

/**
 * The API keys of this installation, in {@code TERROIR_HOME/data/web/api-keys.json} (hashes, labels, expiry,
 * limits), their usage in {@code api-usage.json} next to it, and the admission of each request ({@link #admit}).
 */
@Component(service = { ApiKeys.class, StoredApiKeys.class })
public class StoredApiKeys implements ApiKeys {
    private ApiKeyStore store;
    private UsageStore usage;
    private Quotas quotas;

    @Activate
    void activate() {
        open(TerroirHome.data().resolve("web"), Clock.systemDefaultZone());
    }

    /** Opens the stores of {@code dir} (tests give their own folder and clock). */
    void open(Path dir, Clock clock) {
        store = new ApiKeyStore(dir.resolve("api-keys.json"));
        usage = new UsageStore(dir.resolve("api-usage.json"), clock);
        quotas = new Quotas(clock, usage);
    }

    @Deactivate
    void deactivate() {
        usage.flush();
    }

    @Override
    public CreatedKey create(String label) {
        return store.create(label);
    }

    @Override
    public CreatedKey create(String label, KeyLimits limits, Instant expires) {
        return store.create(label, limits, expires);
    }

    @Override
    public List<ApiKey> list() {
        return store.stored().stream().map(k -> k.toApiKey(usage.usage(k.id()))).toList();
    }

    @Override
    public Optional<ApiKey> update(String id, KeyLimits limits, Instant expires) {
        return store.update(id, limits, expires).map(k -> k.withUsage(usage.usage(id)));
    }

    @Override
    public boolean revoke(String id) {
        if (!store.revoke(id)) {
            return false;
        }
        usage.remove(id);
        quotas.forget(id);
        return true;
    }

    @Override
    public boolean verify(String secret) {
        return store.verify(secret);
    }

    /**
     * The key of {@code secret}, admitted for one request (close it at the request's end); empty when no key has this
     * secret; throws {@link KeyRefusal} when the key expired or reached a limit.
     */
    public Optional<Member> admit(String secret) {
        return store.find(secret).map(quotas::admit);
    }

    /** Requests of the key {@code id} under way now. */
    public int inFlight(String id) {
        return quotas.inFlight(id);
    }
}

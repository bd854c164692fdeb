package org.terroir.web.internal.keys;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.terroir.api.TerroirHome;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.ApiKeys;
import org.terroir.api.web.CreatedKey;

/** The API keys of this installation, in {@code TERROIR_HOME/data/web/api-keys.json}. */
@Component(service = ApiKeys.class)
public class ApiKeysComponent implements ApiKeys {
    private ApiKeyStore store;

    @Activate
    void activate() {
        store = new ApiKeyStore(TerroirHome.data().resolve("web").resolve("api-keys.json"));
    }

    @Override
    public CreatedKey create(String label) {
        return store.create(label);
    }

    @Override
    public List<ApiKey> list() {
        return store.list();
    }

    @Override
    public boolean revoke(String id) {
        return store.revoke(id);
    }

    @Override
    public boolean verify(String secret) {
        return store.verify(secret);
    }
}

package org.terroir.catalog.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.catalog.internal.starter.StarterCatalog;

/** The embedded starter list as a service; never touches the network. */
@Component(service = ModelCatalog.class, property = ModelCatalog.CATALOG_ID + "=" + StarterCatalog.ID)
public class EmbeddedStarterCatalog implements ModelCatalog {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile HardwareAdvisor advisor;

    private StarterCatalog delegate;

    @Activate
    void activate() {
        delegate = new StarterCatalog(() -> advisor);
    }

    @Override
    public String id() {
        return StarterCatalog.ID;
    }

    @Override
    public SearchPage search(SearchQuery query) {
        return delegate.search(query);
    }

    @Override
    public CatalogEntry describe(String repo, boolean checkFit) {
        return delegate.describe(repo, checkFit);
    }
}

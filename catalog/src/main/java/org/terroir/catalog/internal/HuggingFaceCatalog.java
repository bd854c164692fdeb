package org.terroir.catalog.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.terroir.api.catalog.CatalogEntry;
import org.terroir.api.catalog.ModelCatalog;
import org.terroir.api.catalog.SearchPage;
import org.terroir.api.catalog.SearchQuery;
import org.terroir.api.hardware.HardwareAdvisor;
import org.terroir.catalog.internal.hub.FitJudge;
import org.terroir.catalog.internal.hub.HubCatalog;
import org.terroir.catalog.internal.hub.HubClient;

/** The Hugging Face Hub catalog as a service. The hardware advisor is optional: without it badges are unknown. */
@Component(service = ModelCatalog.class, configurationPid = CatalogConfig.PID,
        property = {ModelCatalog.CATALOG_ID + "=" + HubClient.CATALOG_ID, "service.ranking:Integer=100"})
@Designate(ocd = CatalogConfig.class)
public class HuggingFaceCatalog implements ModelCatalog {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile HardwareAdvisor advisor;

    /** The installed backends: a file whose architecture none of them supports gets the UNSUPPORTED badge. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile java.util.List<org.terroir.api.inference.InferenceBackend> backends = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile HubCatalog delegate;

    @Activate
    @Modified
    void configure(CatalogConfig config) {
        HubClient hub = new HubClient(CatalogComponents.settings(config));
        FitJudge judge = new FitJudge(hub, () -> advisor);
        judge.engines(this::engineLoads);
        delegate = new HubCatalog(hub, judge);
    }

    /** Null (not known) without any GGUF backend; else whether one of them supports the architecture. */
    private Boolean engineLoads(String architecture) {
        org.terroir.api.ModelDescriptor probe = new org.terroir.api.ModelDescriptor("probe.gguf",
                java.nio.file.Path.of("probe.gguf"), org.terroir.api.ModelFormat.GGUF, 0,
                java.util.Map.of(org.terroir.api.ModelDescriptor.ARCHITECTURE, architecture));
        java.util.List<org.terroir.api.inference.InferenceBackend> gguf = backends.stream()
                .filter(b -> b.formats().contains(org.terroir.api.ModelFormat.GGUF)).toList();
        return gguf.isEmpty() ? null : gguf.stream().anyMatch(b -> b.supports(probe));
    }

    @Override
    public String id() {
        return HubClient.CATALOG_ID;
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

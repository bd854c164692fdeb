package org.terroir.backend.llamacpp.internal;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.terroir.api.inference.InferenceBackend;

/** Today's llama.cpp (v0.4.0) from an engine pack: the default for every architecture it knows. */
@Component(service = InferenceBackend.class, configurationPid = LlamaCppConfig.PID,
        property = {InferenceBackend.BACKEND_ID + "=" + "llamacpp", "service.ranking:Integer=10"})
@Designate(ocd = LlamaCppConfig.class)
public final class CurrentEngineBackend extends LlamaCppBackend {
    public CurrentEngineBackend() {
        super(Engine.CURRENT);
    }

    @Activate
    @Override
    void activate(BundleContext context, LlamaCppConfig config) {
        super.activate(context, config);
    }

    @Modified
    @Override
    void modified(LlamaCppConfig config) {
        super.modified(config);
    }

    @org.osgi.service.component.annotations.Reference(cardinality =
            org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    void setAdvisor(org.terroir.api.hardware.HardwareAdvisor advisor) {
        this.advisor = advisor;
    }

    void unsetAdvisor(org.terroir.api.hardware.HardwareAdvisor advisor) {
        if (this.advisor == advisor) {
            this.advisor = null;
        }
    }

    @Deactivate
    @Override
    void deactivate() {
        super.deactivate();
    }
}

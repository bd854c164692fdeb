package org.terroir.backend.llamacpp.internal;

import org.osgi.service.component.annotations.Component;
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
}

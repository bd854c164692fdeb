package org.terroir.backend.llamacpp.internal;

import org.osgi.service.component.annotations.Component;
import org.terroir.api.inference.InferenceBackend;

/** The classic engine, de.kherud:llama 4.2.0 (llama.cpp b4916): for computers no engine pack serves, or by choice. */
@Component(service = InferenceBackend.class, configurationPid = LlamaCppConfig.PID,
        property = {InferenceBackend.BACKEND_ID + "=" + "llamacpp-classic", "service.ranking:Integer=0"})
public final class ClassicEngineBackend extends LlamaCppBackend {
    public ClassicEngineBackend() {
        super(Engine.CLASSIC);
    }
}

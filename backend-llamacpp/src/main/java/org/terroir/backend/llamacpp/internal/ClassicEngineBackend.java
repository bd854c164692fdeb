package org.terroir.backend.llamacpp.internal;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.terroir.api.inference.InferenceBackend;

/** The classic engine, de.kherud:llama 4.2.0 (llama.cpp b4916): for computers no engine pack serves, or by choice. */
@Component(service = InferenceBackend.class, configurationPid = LlamaCppConfig.PID,
        property = {InferenceBackend.BACKEND_ID + "=" + "llamacpp-classic", "service.ranking:Integer=0"})
public final class ClassicEngineBackend extends LlamaCppBackend {
    public ClassicEngineBackend() {
        super(Engine.CLASSIC);
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

    @Deactivate
    @Override
    void deactivate() {
        super.deactivate();
    }
}

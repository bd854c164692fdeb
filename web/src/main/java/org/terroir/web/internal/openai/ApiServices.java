package org.terroir.web.internal.openai;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.inference.ModelManager;
import org.terroir.web.internal.WebConfig;
import org.terroir.web.internal.http.Capacity;

import com.google.gson.JsonObject;

/**
 * What every API dialect's servlet ({@code /v1}, {@code /v1/responses}, {@code /v1/messages}, {@code /ollama}) works
 * with: the models, the settings, and the one {@link Capacity} they share, so that a client cannot get twice
 * {@code maxConcurrent} generations by calling two dialects. The servlets hold no settings of their own: a change of
 * them reaches this component only ({@code @Modified}), and no servlet restarts or answers 404 meanwhile; new limits
 * give a new capacity for the requests that come after, those running release the one they took.
 */
@Component(service = ApiServices.class, configurationPid = WebConfig.PID)
public class ApiServices {
    @Reference
    private ModelManager manager;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelLibrary library;

    private volatile WebConfig config;
    private volatile Capacity capacity;
    private volatile String limits;

    @Activate
    @Modified
    void configure(WebConfig config) {
        String wanted = config.maxConcurrent() + "/" + config.maxQueued() + "/" + config.queueTimeoutSeconds();
        if (!wanted.equals(limits)) {
            capacity = new Capacity(config.maxConcurrent(), config.maxQueued(),
                    TimeUnit.SECONDS.toMillis(config.queueTimeoutSeconds()));
            limits = wanted;
        }
        this.config = config;
    }

    public ModelManager manager() {
        return manager;
    }

    public WebConfig config() {
        return config;
    }

    /** A generation slot of the shared capacity (waits in its queue, or a 429/503 when it is full). */
    public Capacity.Slot slot() {
        return capacity.acquire();
    }

    /** The models as a client may name them, with the settings' {@code allowModelPaths}. */
    public ModelAccess access() {
        return new ModelAccess(manager, library, config.allowModelPaths());
    }

    /** The request's JSON object, within the settings' {@code maxBodyBytes}. */
    public JsonObject body(HttpServletRequest request) throws IOException {
        return ApiCalls.body(request, config.maxBodyBytes());
    }

    /** The longest a generation may run ({@code maxGenerationSeconds}). */
    public int maxGenerationSeconds() {
        return config.maxGenerationSeconds();
    }
}

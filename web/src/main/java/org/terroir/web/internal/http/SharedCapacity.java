package org.terroir.web.internal.http;

import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.terroir.web.internal.WebConfig;

/**
 * The one {@link Capacity} of the bundle, shared by every API dialect ({@code /v1}, {@code /ollama}): a client cannot
 * get twice {@code maxConcurrent} generations by calling both.
 */
@Component(service = SharedCapacity.class, configurationPid = WebConfig.PID)
public class SharedCapacity {
    private Capacity capacity;

    @Activate
    void activate(WebConfig config) {
        capacity = new Capacity(config.maxConcurrent(), config.maxQueued(),
                TimeUnit.SECONDS.toMillis(config.queueTimeoutSeconds()));
    }

    public Capacity get() {
        return capacity;
    }
}

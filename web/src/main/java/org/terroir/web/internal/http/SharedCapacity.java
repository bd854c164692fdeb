package org.terroir.web.internal.http;

import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.terroir.web.internal.WebConfig;

/**
 * The one {@link Capacity} of the bundle, shared by every API dialect ({@code /v1}, {@code /ollama}): a client cannot
 * get twice {@code maxConcurrent} generations by calling both. A change of the settings keeps the servlets up: new
 * limits give a new {@link Capacity} for the requests that come after, those running release the one they took.
 */
@Component(service = SharedCapacity.class, configurationPid = WebConfig.PID)
public class SharedCapacity {
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
    }

    public Capacity get() {
        return capacity;
    }
}

package org.terroir.web.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.terroir.api.web.ApiKeys;
import org.terroir.api.web.WebServer;
import org.terroir.api.web.WebStatus;
import org.terroir.web.internal.http.Endpoints;

/**
 * Where the server listens, from the HTTP runtime's {@code osgi.http.endpoint} property, and whether requests need a
 * key: as soon as one endpoint is not loopback, or a request comes from another machine.
 */
@Component(service = { WebServer.class, WebServerInfo.class }, configurationPid = WebConfig.PID)
@Designate(ocd = WebConfig.class)
public class WebServerInfo implements WebServer {
    @Reference
    private ApiKeys keys;

    private volatile Map<String, Object> runtimeProperties;
    private volatile WebConfig config;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(HttpServiceRuntime runtime, Map<String, Object> properties) {
        runtimeProperties = properties;
    }

    void updatedRuntime(HttpServiceRuntime runtime, Map<String, Object> properties) {
        runtimeProperties = properties;
    }

    void unbindRuntime(HttpServiceRuntime runtime, Map<String, Object> properties) {
        if (runtimeProperties == properties) {
            runtimeProperties = null;
        }
    }

    @Activate
    @Modified
    void configure(WebConfig config) {
        this.config = config;
    }

    public WebConfig config() {
        return config;
    }

    public ApiKeys keys() {
        return keys;
    }

    @Override
    public WebStatus status() {
        Map<String, Object> props = runtimeProperties;
        List<String> urls = props == null ? List.of() : Endpoints.urls(props.get("osgi.http.endpoint"));
        String host = urls.isEmpty() ? "" : Endpoints.host(urls.get(0));
        int port = urls.isEmpty() ? -1 : Endpoints.port(urls.get(0));
        if (urls.size() > 1 || urls.stream().anyMatch(u -> !Endpoints.isLoopback(Endpoints.host(u)))) {
            host = urls.stream().map(Endpoints::host).allMatch(Endpoints::isLoopback) ? host : "0.0.0.0";
        }
        return new WebStatus(!urls.isEmpty(), urls, host, port, keyRequired(urls), keys.list().size(),
                new ArrayList<>(List.of(config.corsOrigins())));
    }

    /** Whether the server answers beyond this machine. */
    public boolean listensBeyondLoopback() {
        Map<String, Object> props = runtimeProperties;
        return keyRequired(props == null ? List.of() : Endpoints.urls(props.get("osgi.http.endpoint")));
    }

    private static boolean keyRequired(List<String> urls) {
        return urls.stream().anyMatch(u -> !Endpoints.isLoopback(Endpoints.host(u)));
    }
}

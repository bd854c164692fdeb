package org.terroir.web.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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

    /** Names the server always answers to (with its port): this machine only. */
    static final List<String> LOOPBACK_NAMES = List.of("127.0.0.1", "localhost", "[::1]");

    private volatile Map<String, Object> runtimeProperties;
    private volatile WebConfig config;
    /**
     * The page's secret, new at each start: handed to the page through the address {@link #pageUrl()} (shown by the
     * shell's {@code serve}), kept by the browser as a {@code SameSite=Strict}, {@code HttpOnly} cookie. Another
     * account of this computer or another site's page never sees it.
     */
    private final String pageToken = newToken();

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

    private static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The page's secret (see {@link #pageUrl()}). */
    public String pageToken() {
        return pageToken;
    }

    @Override
    public String pageUrl() {
        List<String> urls = status().urls();
        return urls.isEmpty() ? null : urls.get(0) + "?token=" + pageToken;
    }

    /**
     * Whether a {@code Host} header names this server: 127.0.0.1, localhost or [::1], an address the server is bound
     * to, or a name of {@code allowedHosts}; with the server's own port when it carries one. Anything else is another
     * site's name pointing here (DNS rebinding) and is refused.
     */
    public boolean allowsHost(String hostHeader, int localPort) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        String name = h;
        if (colon > h.lastIndexOf(']')) {
            name = h.substring(0, colon);
            String port = h.substring(colon + 1);
            if (!port.equals(Integer.toString(localPort))) {
                return false;
            }
        } else if (localPort != 80) {
            return false;
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (LOOPBACK_NAMES.contains(name)) {
            return true;
        }
        for (String allowed : config.allowedHosts()) {
            if (allowed != null && name.equals(allowed.strip().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        Map<String, Object> props = runtimeProperties;
        for (String url : props == null ? List.<String>of() : Endpoints.urls(props.get("osgi.http.endpoint"))) {
            String bound = Endpoints.host(url);
            if (bound != null && !bound.equals("0.0.0.0") && !bound.equals("[::]")
                    && name.equals(bound.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
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

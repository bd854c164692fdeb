package org.terroir.web.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gives Felix HTTP Terroir's defaults (127.0.0.1, port 8181) when neither a configuration (pid
 * {@code org.apache.felix.http}, e.g. {@code TERROIR_HOME/conf/org.apache.felix.http.cfg}) nor a framework property
 * set them, so that the page works out of the box and is reachable from this machine only.
 */
@Component(immediate = true, configurationPid = WebConfig.PID)
public class HttpDefaults {
    static final String HTTP_PID = "org.apache.felix.http";
    static final String PORT = "org.osgi.service.http.port";
    static final String HOST = "org.apache.felix.http.host";

    @Reference
    private ConfigurationAdmin configurationAdmin;

    @Activate
    void activate(BundleContext context, WebConfig config) throws IOException {
        if (context.getProperty(PORT) != null || context.getProperty(HOST) != null) {
            return;
        }
        Configuration configuration = configurationAdmin.getConfiguration(HTTP_PID, "?");
        if (configuration.getProperties() != null) {
            return;
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(PORT, config.defaultPort());
        properties.put(HOST, config.defaultHost());
        configuration.update(properties);
    }
}

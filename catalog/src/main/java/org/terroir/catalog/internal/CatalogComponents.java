package org.terroir.catalog.internal;

import java.time.Duration;

import org.terroir.catalog.internal.hub.HubSettings;

/** What the components share: the Hub settings as the configuration and the environment give them. */
final class CatalogComponents {
    private CatalogComponents() {
    }

    /** The library's folder: the configured one, else TERROIR_HOME/models. */
    static java.nio.file.Path modelsFolder(CatalogConfig c) {
        String folder = c.models_folder() == null ? "" : c.models_folder().strip();
        return folder.isEmpty() ? org.terroir.api.TerroirHome.models()
                : java.nio.file.Path.of(folder).toAbsolutePath().normalize();
    }

    static HubSettings settings(CatalogConfig c) {
        return HubSettings.resolve(c.endpoint(), c.token(), c.proxy_host(), c.proxy_port(),
                Duration.ofSeconds(Math.max(1, c.connect_timeout_s())), Duration.ofSeconds(Math.max(1, c.read_timeout_s())),
                Math.max(0, c.retries()), Duration.ofMillis(Math.max(10, c.retry_base_ms())), System.getenv());
    }
}

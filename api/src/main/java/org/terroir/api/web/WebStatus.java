package org.terroir.api.web;

import java.util.List;

/**
 * Where the web server listens.
 *
 * @param running     whether an HTTP endpoint is up
 * @param urls        its base URLs, e.g. {@code http://127.0.0.1:8181/}
 * @param host        the address it is bound to ({@code 127.0.0.1}, {@code 0.0.0.0}...)
 * @param port        its port, -1 when not running
 * @param keyRequired whether requests must carry an API key (the server listens beyond loopback)
 * @param keys        how many API keys exist
 * @param corsOrigins origins allowed to call it from a browser page of another site (empty: none)
 */
public record WebStatus(boolean running, List<String> urls, String host, int port, boolean keyRequired, int keys,
        List<String> corsOrigins) {
    public WebStatus {
        urls = List.copyOf(urls);
        corsOrigins = List.copyOf(corsOrigins);
    }
}

package org.terroir.api.web;

import org.osgi.annotation.versioning.ProviderType;

/** The local web server (the page and the OpenAI-compatible API) as it runs now. */
@ProviderType
public interface WebServer {
    WebStatus status();

    /**
     * The address to open the page with: its first URL and the page's secret of this run, which the page's API
     * needs (another account of this computer or another site's page does not have it). Null when not running.
     */
    default String pageUrl() {
        java.util.List<String> urls = status().urls();
        return urls.isEmpty() ? null : urls.get(0);
    }
}

package org.terroir.api.web;

import org.osgi.annotation.versioning.ProviderType;

/** The local web server (the page and the OpenAI-compatible API) as it runs now. */
@ProviderType
public interface WebServer {
    WebStatus status();
}

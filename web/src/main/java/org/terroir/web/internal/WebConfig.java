package org.terroir.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Settings of the web page and API (pid {@code org.terroir.web}). Where the server listens is Felix HTTP's own
 * configuration (pid {@code org.apache.felix.http}: {@code org.osgi.service.http.port},
 * {@code org.apache.felix.http.host}); {@link HttpDefaults} gives it Terroir's defaults when nobody set them.
 */
@ObjectClassDefinition(name = "Terroir web", description = "The local web page and the OpenAI-compatible API")
public @interface WebConfig {
    String PID = "org.terroir.web";

    @AttributeDefinition(description = "Largest request body accepted, in bytes (larger: 413)")
    long maxBodyBytes() default 4L * 1024 * 1024;

    @AttributeDefinition(description = "Generations and embeddings served at once; more wait in the queue")
    int maxConcurrent() default 2;

    @AttributeDefinition(description = "Requests that may wait for a free slot (more: 503)")
    int maxQueued() default 16;

    @AttributeDefinition(description = "Seconds a request waits in the queue before a 503")
    int queueTimeoutSeconds() default 120;

    @AttributeDefinition(description = "Origins of other sites allowed to call the API from a browser (CORS); empty: none")
    String[] corsOrigins() default {};

    @AttributeDefinition(description = "Host names or addresses (as in the Host header, without the port) this server"
            + " also answers to, for serving on a network: 127.0.0.1, localhost and [::1] always are; others get 421")
    String[] allowedHosts() default {};

    @AttributeDefinition(description = "Longest time one generation may run, in seconds (then it ends as if its"
            + " token limit was reached); 0: no limit")
    int maxGenerationSeconds() default 600;

    @AttributeDefinition(description = "Ask every request of the APIs (/v1, /ollama, /health) for a key, even from"
            + " this machine (a shared server; the page on this machine still needs only its secret); requests passed"
            + " on by a reverse proxy (Forwarded, X-Forwarded-For, X-Real-IP) always need one")
    boolean requireKeys() default false;

    @AttributeDefinition(description = "Allow requests to name a model by a file path (not only loaded or library models)")
    boolean allowModelPaths() default false;

    @AttributeDefinition(description = "Port set for Felix HTTP when nothing else configured it")
    int defaultPort() default 8181;

    @AttributeDefinition(description = "Address set for Felix HTTP when nothing else configured it")
    String defaultHost() default "127.0.0.1";
}

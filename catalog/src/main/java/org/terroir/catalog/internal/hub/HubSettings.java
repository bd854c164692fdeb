package org.terroir.catalog.internal.hub;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach the Hub. Empty configuration values fall back on the Hub's own conventions ({@code HF_ENDPOINT},
 * {@code HF_TOKEN}), then on huggingface.co.
 *
 * @param endpoint       base URL, without a trailing slash
 * @param token          access token for gated and private repositories, or null
 * @param proxyHost      HTTP proxy host, or null for none
 * @param proxyPort      HTTP proxy port
 * @param connectTimeout time to open a connection
 * @param readTimeout    time to wait for response headers, and for the next bytes of a download
 * @param maxRetries     attempts after the first one (downloads, 429s)
 * @param retryBase      first back-off delay, doubled at each retry
 */
public record HubSettings(URI endpoint, String token, String proxyHost, int proxyPort, Duration connectTimeout,
        Duration readTimeout, int maxRetries, Duration retryBase) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        String e = endpoint.toString();
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        endpoint = URI.create(e);
        token = token == null || token.isBlank() ? null : token.trim();
        proxyHost = proxyHost == null || proxyHost.isBlank() ? null : proxyHost.trim();
    }

    /** Settings from configuration values (may be blank) and the environment. */
    public static HubSettings resolve(String endpoint, String token, String proxyHost, int proxyPort,
            Duration connectTimeout, Duration readTimeout, int maxRetries, Duration retryBase, Map<String, String> env) {
        String ep = firstNonBlank(endpoint, env.get("HF_ENDPOINT"), DEFAULT_ENDPOINT);
        String tk = firstNonBlank(token, env.get("HF_TOKEN"), env.get("HUGGING_FACE_HUB_TOKEN"));
        return new HubSettings(URI.create(ep), tk, proxyHost, proxyPort, connectTimeout, readTimeout, maxRetries,
                retryBase);
    }

    /** Defaults for an endpoint, as tests and the shell use them. */
    public static HubSettings forEndpoint(URI endpoint, String token) {
        return new HubSettings(endpoint, token, null, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 5,
                Duration.ofMillis(500));
    }

    public HubSettings withRetries(int retries, Duration base) {
        return new HubSettings(endpoint, token, proxyHost, proxyPort, connectTimeout, readTimeout, retries, base);
    }

    public HubSettings withReadTimeout(Duration value) {
        return new HubSettings(endpoint, token, proxyHost, proxyPort, connectTimeout, value, maxRetries, retryBase);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}

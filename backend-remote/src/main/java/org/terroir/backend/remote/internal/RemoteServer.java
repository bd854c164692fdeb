package org.terroir.backend.remote.internal;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/**
 * A server whose models Terroir uses, as the user added it.
 *
 * @param name      the short name used in model ids ({@code remote:<name>/<model>})
 * @param url       the base of its OpenAI-compatible API, ending in {@code /v1}
 * @param pinSha256 the SHA-256 fingerprint (64 hex digits, lower case) of the TLS certificate to accept instead of
 *                  the system's trust store, or null
 * @param consented whether the user agreed that prompts for this server leave the computer
 */
public record RemoteServer(String name, String url, String pinSha256, boolean consented) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");

    public RemoteServer withConsent(boolean value) {
        return new RemoteServer(name, url, pinSha256, value);
    }

    /** The name, checked: letters, digits, '.', '_' and '-', at most 40. */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "remote.name.bad",
                    RemoteBackend.TEXTS.get("remote.name.bad", String.valueOf(name)));
        }
        return name;
    }

    /**
     * The API base a user's URL names: http or https with a host; {@code /v1} is added when the path does not end
     * with it ({@code http://host:8080} and {@code http://host:8080/v1} name the same API).
     */
    static String normalizeUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.strip());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "remote.url.bad",
                    RemoteBackend.TEXTS.get("remote.url.bad", String.valueOf(url)));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        if (!path.endsWith("/v1")) {
            path = path + "/v1";
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority().replaceFirst(":\\d+$", "")
                .toLowerCase(Locale.ROOT) + port + path;
    }

    /** A fingerprint as people copy it ({@code AB:CD:…} or plain hex), as 64 lower-case hex digits; null for none. */
    static String normalizePin(String pin) {
        if (pin == null || pin.isBlank()) {
            return null;
        }
        String hex = pin.strip().replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256/") || hex.startsWith("sha256=")) {
            hex = hex.substring(7);
        }
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "remote.pin.bad",
                    RemoteBackend.TEXTS.get("remote.pin.bad", pin));
        }
        return hex;
    }

    boolean https() {
        return url.startsWith("https:");
    }
}

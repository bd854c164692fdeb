package org.terroir.catalog.internal.hub;

import java.net.http.HttpHeaders;

import org.terroir.api.TerroirException;
import org.terroir.catalog.internal.Msg;

/** Turns the Hub's error answers ({@code X-Error-Code}, status) into messages a person can act on. */
final class HubErrors {
    private HubErrors() {
    }

    static TerroirException toException(int status, HttpHeaders headers, HubSettings settings, String repo,
            String file) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String what = repo == null ? "?" : repo;
        String f = file == null ? "?" : file;
        boolean token = settings.token() != null;
        return switch (code) {
            case "RepoNotFound" -> token ? Msg.error("hub.repo-not-found", what, settings.endpoint())
                    : Msg.error("hub.repo-not-found-no-token", what, settings.endpoint());
            case "GatedRepo" -> token ? Msg.error("hub.gated-not-accepted", what, settings.endpoint() + "/" + what)
                    : Msg.error("hub.gated", what, settings.endpoint() + "/" + what);
            case "EntryNotFound" -> Msg.error("hub.entry-not-found", f, what);
            case "RevisionNotFound" -> Msg.error("hub.revision-not-found", what);
            case "DisabledRepo" -> Msg.error("hub.disabled", what);
            default -> switch (status) {
                case 401 -> token ? Msg.error("hub.token-rejected", what) : Msg.error("hub.unauthorized", what);
                case 403 -> Msg.error("hub.forbidden", what);
                case 404 -> Msg.error("hub.not-found", file == null ? what : f + " (" + what + ")");
                case 429 -> Msg.error("hub.rate-limited", HubClient.retryAfterSeconds(headers));
                default -> status >= 500 ? Msg.error("hub.server-error", status, settings.endpoint())
                        : Msg.error("hub.http-error", status, what);
            };
        };
    }
}

package org.terroir.shell.internal.web;

import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.TerroirException;
import org.terroir.api.i18n.Texts;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.ApiKeys;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.WebServer;
import org.terroir.api.web.WebStatus;

/** {@code serve}: where the web page and the OpenAI-compatible API answer; {@code keys}: the API keys. */
@Component(service = WebCommands.class, property = { "osgi.command.scope=terroir", "osgi.command.function=serve",
        "osgi.command.function=keys" })
public class WebCommands {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.web.messages", WebCommands.class);

    @Reference
    WebServer server;
    @Reference
    ApiKeys keys;

    @Descriptor("show where the web page and the OpenAI-compatible API answer, and whether they need a key")
    public void serve(CommandSession session) {
        print(session.getConsole(), server.status(), server.pageUrl());
    }

    void print(PrintStream out, WebStatus status, String pageUrl) {
        if (!status.running()) {
            out.println(TEXTS.get("serve.down"));
            return;
        }
        out.println(TEXTS.get("serve.url", pageUrl == null ? status.urls().get(0) : pageUrl));
        for (String url : status.urls().subList(1, status.urls().size())) {
            out.println("  " + url);
        }
        out.println(TEXTS.get("serve.api", status.urls().get(0) + "v1"));
        out.println(TEXTS.get("serve.address", status.host(), status.port()));
        out.println(status.keyRequired() ? TEXTS.get("serve.key.required", status.keys())
                : TEXTS.get("serve.key.local", status.keys()));
        out.println(status.corsOrigins().isEmpty() ? TEXTS.get("serve.cors.none")
                : TEXTS.get("serve.cors", String.join(", ", status.corsOrigins())));
        out.println(TEXTS.get("serve.config"));
    }

    @Descriptor("manage API keys: keys list | keys create [label] | keys revoke <id>")
    public void keys(CommandSession session, @Descriptor("list, create or revoke") String action,
            @Descriptor("the label (create) or the id (revoke)") String... args) {
        run(session.getConsole(), action, args);
    }

    @Descriptor("list API keys")
    public void keys(CommandSession session) {
        run(session.getConsole(), "list");
    }

    void run(PrintStream out, String action, String... args) {
        String rest = String.join(" ", args).strip();
        switch (action) {
            case "list", "ls" -> list(out);
            case "create", "new" -> {
                CreatedKey created = keys.create(rest);
                out.println(TEXTS.get("keys.created", created.key().id()));
                out.println("  " + created.secret());
                out.println(TEXTS.get("keys.once"));
            }
            case "revoke", "rm", "delete" -> {
                if (rest.isEmpty()) {
                    throw new TerroirException("keys.id.missing", TEXTS.get("keys.id.missing"));
                }
                if (!keys.revoke(rest)) {
                    throw new TerroirException("keys.unknown", TEXTS.get("keys.unknown", rest));
                }
                out.println(TEXTS.get("keys.revoked", rest));
            }
            default -> throw new TerroirException("keys.action", TEXTS.get("keys.action", action));
        }
    }

    private void list(PrintStream out) {
        var all = keys.list();
        if (all.isEmpty()) {
            out.println(TEXTS.get("keys.none"));
            return;
        }
        DateTimeFormatter when = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT)
                .withLocale(Texts.locale()).withZone(ZoneId.systemDefault());
        out.println(TEXTS.get("keys.header"));
        for (ApiKey key : all) {
            out.println(TEXTS.get("keys.row", key.id(), key.hint(), when.format(key.created()),
                    key.label().isEmpty() ? "-" : key.label()));
        }
    }
}

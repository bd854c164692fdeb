package org.terroir.shell.internal.web;

import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.Locale;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.i18n.Texts;
import org.terroir.api.web.ApiKey;
import org.terroir.api.web.ApiKeys;
import org.terroir.api.web.CreatedKey;
import org.terroir.api.web.KeyLimits;
import org.terroir.api.web.KeyUsage;
import org.terroir.api.web.WebServer;
import org.terroir.api.web.WebStatus;

/**
 * {@code serve}: where the web page and the OpenAI-compatible API answer; {@code keys}: the API keys; {@code key}:
 * the members' keys of a shared server, with their limits, expiry and usage.
 */
@Component(service = WebCommands.class, property = { "osgi.command.scope=terroir", "osgi.command.function=serve",
        "osgi.command.function=keys", "osgi.command.function=key" })
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

    @Descriptor("the members' keys of a shared server: key list | key create LABEL [options] | key limits ID [options]"
            + " | key revoke ID")
    public void key(CommandSession session,
            @Descriptor("requests per minute (0: no limit)")
            @Parameter(names = {"--rpm"}, absentValue = "-1") int rpm,
            @Descriptor("tokens per day, prompt and answer, counted from midnight to midnight (0: no limit)")
            @Parameter(names = {"--tokens-per-day"}, absentValue = "-1") long tokensPerDay,
            @Descriptor("requests at once (0: no limit)")
            @Parameter(names = {"--max-concurrent"}, absentValue = "-1") int maxConcurrent,
            @Descriptor("the day the key stops being accepted, YYYY-MM-DD (from its first minute); never: no expiry")
            @Parameter(names = {"--expires"}, absentValue = "") String expires,
            @Descriptor("list, create, limits or revoke") String action,
            @Descriptor("the label (create) or the id (limits, revoke)") String... args) {
        member(session.getConsole(), action, String.join(" ", args).strip(), rpm, tokensPerDay, maxConcurrent,
                expires);
    }

    @Descriptor("list the members' keys with their limits and usage")
    public void key(CommandSession session) {
        member(session.getConsole(), "list", "", -1, -1, -1, "");
    }

    void member(PrintStream out, String action, String rest, int rpm, long tokensPerDay, int maxConcurrent,
            String expires) {
        switch (action) {
            case "list", "ls" -> listMembers(out);
            case "create", "new" -> {
                if (rest.isEmpty()) {
                    throw bad("key.label.missing", TEXTS.get("key.label.missing"));
                }
                KeyLimits limits = limits(KeyLimits.NONE, rpm, tokensPerDay, maxConcurrent);
                CreatedKey created = keys.create(rest, limits, expiry(expires, null));
                out.println(TEXTS.get("keys.created", created.key().id()));
                out.println("  " + created.secret());
                out.println(TEXTS.get("keys.once"));
                describe(out, created.key());
            }
            case "limits", "limit" -> {
                ApiKey current = find(rest);
                if (rpm < 0 && tokensPerDay < 0 && maxConcurrent < 0 && expires.isEmpty()) {
                    describe(out, current);
                    return;
                }
                ApiKey changed = keys.update(current.id(), limits(current.limits(), rpm, tokensPerDay, maxConcurrent),
                        expiry(expires, current.expires())).orElseThrow(() -> unknown(rest));
                out.println(TEXTS.get("key.updated", changed.id()));
                describe(out, changed);
            }
            case "revoke", "rm", "delete" -> run(out, "revoke", rest);
            default -> throw bad("key.action", TEXTS.get("key.action", action));
        }
    }

    private ApiKey find(String id) {
        if (id.isEmpty()) {
            throw bad("key.id.missing", TEXTS.get("key.id.missing"));
        }
        return keys.list().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow(() -> unknown(id));
    }

    private static TerroirException unknown(String id) {
        return new TerroirException(ErrorKind.NOT_FOUND, "keys.unknown", TEXTS.get("keys.unknown", id));
    }

    private static TerroirException bad(String code, String message) {
        return new TerroirException(ErrorKind.BAD_REQUEST, code, message);
    }

    /** {@code base} with the options given (-1: not given); a negative number typed is refused. */
    static KeyLimits limits(KeyLimits base, int rpm, long tokensPerDay, int maxConcurrent) {
        if (rpm < -1 || tokensPerDay < -1 || maxConcurrent < -1) {
            throw bad("key.limit.negative", TEXTS.get("key.limit.negative"));
        }
        return new KeyLimits(rpm < 0 ? base.requestsPerMinute() : rpm,
                tokensPerDay < 0 ? base.tokensPerDay() : tokensPerDay,
                maxConcurrent < 0 ? base.maxConcurrent() : maxConcurrent);
    }

    /** The first instant of the day typed, in this computer's time zone; {@code never} for none. */
    static Instant expiry(String typed, Instant current) {
        String t = typed.strip();
        if (t.isEmpty()) {
            return current;
        }
        if (t.equalsIgnoreCase("never") || t.equalsIgnoreCase("jamais")) {
            return null;
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw bad("key.expires.format", TEXTS.get("key.expires.format", t));
        }
    }

    private void listMembers(PrintStream out) {
        var all = keys.list();
        if (all.isEmpty()) {
            out.println(TEXTS.get("key.none"));
            return;
        }
        for (ApiKey key : all) {
            describe(out, key);
        }
    }

    /** Two or three lines per key: who, its usage, its limits and expiry. */
    void describe(PrintStream out, ApiKey key) {
        Locale locale = Texts.locale();
        DateTimeFormatter when = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withLocale(locale)
                .withZone(ZoneId.systemDefault());
        DateTimeFormatter day = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale)
                .withZone(ZoneId.systemDefault());
        Instant now = Instant.now();
        String state = key.expiredAt(now) ? TEXTS.get("key.expired", day.format(key.expires()))
                : key.expires() == null ? TEXTS.get("key.noExpiry") : TEXTS.get("key.expires", day.format(key.expires()));
        out.println(TEXTS.get("key.row", key.id(), key.label().isEmpty() ? "-" : key.label(), key.hint(),
                when.format(key.created()), state));
        KeyUsage u = key.usage();
        KeyLimits l = key.limits();
        long today = u.tokensOn(LocalDate.now());
        out.println(TEXTS.get("key.usage", u.requests(), u.promptTokens(), u.completionTokens(),
                l.tokensPerDay() == 0 ? Long.toString(today) : today + "/" + l.tokensPerDay(),
                String.format(locale, "%.2f", u.energyJoules() / 3600.0),
                u.lastUsed() == null ? TEXTS.get("key.never") : when.format(u.lastUsed())));
        out.println(TEXTS.get("key.limits", l.requestsPerMinute() == 0 ? "-" : Integer.toString(l.requestsPerMinute()),
                l.tokensPerDay() == 0 ? "-" : Long.toString(l.tokensPerDay()),
                l.maxConcurrent() == 0 ? "-" : Integer.toString(l.maxConcurrent())));
    }
}

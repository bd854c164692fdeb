package org.terroir.backend.remote.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/**
 * {@code remote add NAME URL [--key K] [--pin SHA256] [--yes]}, {@code remote list}, {@code remote models NAME},
 * {@code remote trust NAME}, {@code remote remove NAME}. Adding asks the user to agree that prompts for that server
 * leave this computer ({@code [y/N]}, or {@code --yes}); without that agreement its models are listed but not used.
 */
@Component(service = RemoteCommands.class, property = { "osgi.command.scope=terroir",
        "osgi.command.function=remote" })
public class RemoteCommands {
    private static final String T = "org.terroir.backend.remote.internal.messages";

    @Reference
    private RemoteBackend backend;

    @Descriptor("use another server's models (OpenAI-compatible): remote add NAME URL [--key K] [--pin SHA256] [--yes]"
            + " | remote list | remote models NAME | remote trust NAME | remote remove NAME")
    public void remote(CommandSession session,
            @Descriptor("the server's API key") @Parameter(names = { "--key" }, absentValue = "") String key,
            @Descriptor("SHA-256 fingerprint of a self-signed certificate to accept")
            @Parameter(names = { "--pin" }, absentValue = "") String pin,
            @Descriptor("agree without asking that prompts for this server leave this computer")
            @Parameter(names = { "--yes", "-y" }, presentValue = "true", absentValue = "false") boolean yes,
            @Descriptor("add, list, models, trust or remove") String action,
            @Descriptor("the server's name (and its URL for add)") String... args) {
        PrintStream out = session.getConsole();
        switch (action.toLowerCase(Locale.ROOT)) {
            case "add" -> {
                need(args, 2, "remote.usage.add");
                boolean consent = yes || ask(session, out, RemoteBackend.TEXTS.get("remote.ask", args[0], args[1]));
                List<RemoteClient.Listed> models = backend.add(args[0], args[1], key, pin, consent);
                RemoteServer server = backend.known(args[0]);
                out.println(RemoteBackend.TEXTS.get("remote.added", server.name(), server.url(), models.size()));
                printModels(out, server.name(), models);
                out.println(RemoteBackend.TEXTS.get(consent ? "remote.consented" : "remote.notConsented",
                        server.name()));
            }
            case "list", "ls" -> list(out);
            case "models" -> {
                need(args, 1, "remote.usage.models");
                printModels(out, args[0], backend.modelsNow(args[0]));
            }
            case "trust" -> {
                need(args, 1, "remote.usage.trust");
                RemoteServer server = backend.known(args[0]);
                if (!yes && !ask(session, out, RemoteBackend.TEXTS.get("remote.ask", server.name(), server.url()))) {
                    out.println(RemoteBackend.TEXTS.get("remote.notConsented", server.name()));
                    return;
                }
                backend.consent(server.name());
                out.println(RemoteBackend.TEXTS.get("remote.consented", server.name()));
            }
            case "remove", "rm" -> {
                need(args, 1, "remote.usage.remove");
                if (!backend.remove(args[0])) {
                    backend.known(args[0]);
                }
                out.println(RemoteBackend.TEXTS.get("remote.removed", args[0]));
            }
            default -> throw new TerroirException(ErrorKind.BAD_REQUEST, "remote.usage",
                    RemoteBackend.TEXTS.get("remote.usage", action));
        }
    }

    @Descriptor("list the remote servers")
    public void remote(CommandSession session) {
        list(session.getConsole());
    }

    private void list(PrintStream out) {
        List<RemoteServer> servers = backend.servers();
        if (servers.isEmpty()) {
            out.println(RemoteBackend.TEXTS.get("remote.list.empty"));
            return;
        }
        for (RemoteServer s : servers) {
            RemoteBackend.Listing listing = backend.listing(s.name());
            String state = listing.error() != null ? listing.error().getMessage()
                    : RemoteBackend.TEXTS.get("remote.list.models", listing.models().size());
            out.println(RemoteBackend.TEXTS.get("remote.list.line", s.name(), s.url(),
                    RemoteBackend.TEXTS.get(s.consented() ? "remote.list.trusted" : "remote.list.untrusted"),
                    s.pinSha256() == null ? "" : RemoteBackend.TEXTS.get("remote.list.pinned"), state));
        }
    }

    private static void printModels(PrintStream out, String server, List<RemoteClient.Listed> models) {
        for (RemoteClient.Listed m : models) {
            out.println("  " + RemoteBackend.name(server, m.id()) + "  " + RemoteBackend.TEXTS.get("remote.tag"));
        }
    }

    private static void need(String[] args, int n, String usage) {
        if (args.length < n) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, usage, RemoteBackend.TEXTS.get(usage));
        }
    }

    /** A y/n question on the terminal; no answer (no terminal, end of input) is no. */
    private static boolean ask(CommandSession session, PrintStream out, String question) {
        out.print(question + " ");
        out.flush();
        try {
            String line = new BufferedReader(new InputStreamReader(session.getKeyboard(), StandardCharsets.UTF_8))
                    .readLine();
            out.println();
            if (line == null) {
                return false;
            }
            String a = line.strip().toLowerCase(Locale.ROOT);
            return a.equals("y") || a.equals("yes") || a.equals("o") || a.equals("oui");
        } catch (IOException e) {
            return false;
        }
    }
}

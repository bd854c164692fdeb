package org.terroir.shell.internal.chat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ExportFormat;
import org.terroir.api.chat.SearchHit;

/** The chat commands: chat (interactive), conversations, history, export. */
@Component(service = ChatCommands.class, property = {"osgi.command.scope=terroir",
        "osgi.command.function=chat", "osgi.command.function=conversations", "osgi.command.function=history",
        "osgi.command.function=export"})
public class ChatCommands {
    /** Where Gogo's JLine shell keeps the session's terminal ({@code Shell.VAR_TERMINAL} in gogo.jline). */
    static final String TERMINAL_VARIABLE = ".terminal";

    @Reference
    private ChatService chat;

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile org.terroir.api.inference.ModelManager models;
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile org.terroir.api.catalog.ModelLibrary library;
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile org.terroir.api.chat.ChatDocuments documents;
    /** The CO2e of an answer's energy, when the hardware bundle offers it. */
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile org.terroir.api.energy.CarbonCalculator carbon;

    /**
     * A model named with {@code -m} is checked before a conversation is created: loaded, in the library or a file
     * here; else an error that says what to do next, and no empty conversation left behind.
     */
    void knownModel(String model) {
        org.terroir.api.inference.ModelManager m = models;
        org.terroir.api.catalog.ModelLibrary lib = library;
        if (m == null && lib == null) {
            return; // nothing to check against: the chat service answers
        }
        boolean loaded = m != null && m.loaded().stream().anyMatch(i -> i.id().equals(model));
        boolean inLibrary = lib != null && lib.find(model).isPresent();
        boolean file;
        try {
            file = java.nio.file.Files.exists(java.nio.file.Path.of(model));
        } catch (java.nio.file.InvalidPathException e) {
            file = false;
        }
        if (!loaded && !inLibrary && !file) {
            throw new org.terroir.api.TerroirException(org.terroir.api.ErrorKind.NOT_FOUND, "chat.model.unknown",
                    ChatTexts.TEXTS.get("chat.model.unknown", model));
        }
    }

    @Descriptor("chat with a model interactively; the history is kept (/help inside for commands)")
    public void chat(CommandSession session,
            @Descriptor("model to answer with (default: the current one)")
            @Parameter(names = {"-m", "--model"}, absentValue = "") String model,
            @Descriptor("continue this conversation (see: conversations)")
            @Parameter(names = {"-c", "--conversation"}, absentValue = "") String conversation,
            @Descriptor("preset: its id (preset list shows them: minutes, press-release, leaflet…)")
            @Parameter(names = {"-p", "--preset"}, absentValue = "") String preset) throws IOException {
        if (!model.isBlank()) {
            knownModel(model.strip());
        }
        Object shared = session.get(TERMINAL_VARIABLE);
        if (shared instanceof Terminal terminal) {
            new ChatRepl(chat, documents, carbon, terminal).remoteModels(this::isRemote).run(blankToNull(conversation), blankToNull(model), blankToNull(preset));
            return;
        }
        // no interactive console (a script, a remote session): a plain terminal over the session's streams
        try (Terminal terminal = new DumbTerminal("terroir-chat", Terminal.TYPE_DUMB, session.getKeyboard(),
                session.getConsole(), StandardCharsets.UTF_8)) {
            new ChatRepl(chat, documents, carbon, terminal).remoteModels(this::isRemote).run(blankToNull(conversation), blankToNull(model), blankToNull(preset));
        }
    }

    @Descriptor("list the conversations, most recent first, or search them")
    public void conversations(CommandSession session,
            @Descriptor("words to look for in messages and titles")
            @Parameter(names = {"-s", "--search"}, absentValue = "") String search) {
        PrintWriter out = writer(session);
        if (search.isBlank()) {
            Transcript.list(out, chat.list());
            return;
        }
        var hits = chat.search(search, 50);
        if (hits.isEmpty()) {
            out.println(ChatTexts.get("search.none", search));
        }
        for (SearchHit h : hits) {
            out.printf("  %-9s %s%n            %s%n", h.conversationId(), h.title(), h.snippet().replace('\n', ' '));
        }
        out.flush();
    }

    @Descriptor("show the messages of a conversation with the statistics of each answer")
    public void history(CommandSession session, @Descriptor("conversation id (see: conversations)") String id) {
        Conversation c = require(id);
        Transcript.messages(writer(session), c, chat.messages(c.id()), carbon);
    }

    @Descriptor("export a conversation to Markdown or JSON")
    public void export(CommandSession session,
            @Descriptor("md or json") @Parameter(names = {"-f", "--format"}, absentValue = "md") String format,
            @Descriptor("file to write (default: print it)") @Parameter(names = {"-o", "--out"}, absentValue = "") String file,
            @Descriptor("conversation id (see: conversations)") String id) {
        ExportFormat f = ExportFormat.parse(format);
        if (f == null) {
            throw new TerroirException("chat.export.format", ChatTexts.get("export.format", format));
        }
        Conversation c = require(id);
        PrintWriter out = writer(session);
        out.println(ChatRepl.ExportCommand.write(chat, c.id(), f, file));
        out.flush();
    }

    private Conversation require(String id) {
        return chat.get(id).orElseThrow(() -> new TerroirException("chat.conversation.unknown",
                ChatTexts.get("conversation.unknown", id)));
    }

    private static PrintWriter writer(CommandSession session) {
        return new PrintWriter(session.getConsole(), true, StandardCharsets.UTF_8) {
            @Override
            public void close() {
                flush(); // the console belongs to the session
            }
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Whether a loaded model of that name runs on another machine. */
    private boolean isRemote(String name) {
        org.terroir.api.inference.ModelManager m = models;
        return m != null && name != null && m.loaded().stream().anyMatch(l -> name.equals(l.descriptor().name())
                && org.terroir.shell.internal.ShellTexts.remote(l.descriptor()));
    }
}

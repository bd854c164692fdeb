package org.terroir.shell.internal.chat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatReply;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.ChatTurn;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.chat.ExportFormat;
import org.terroir.api.chat.Preset;
import org.terroir.api.inference.FinishReason;

/**
 * An interactive chat on a JLine terminal: lines are messages, lines starting with {@code /} are commands. Works
 * on the Gogo console's terminal and on any other (tests drive it through a dumb terminal over pipes).
 * Ctrl-C while an answer streams stops the answer; at the prompt it clears the line; Ctrl-D or /exit leaves.
 */
public final class ChatRepl {
    private final ChatService chat;
    private final Terminal terminal;
    private final PrintWriter out;
    private final LineReader reader;
    private final org.terroir.api.chat.ChatDocuments documents;
    private final org.terroir.api.energy.CarbonCalculator carbon;
    private String conversationId;
    private java.util.function.Predicate<String> remote = name -> false;

    public ChatRepl(ChatService chat, Terminal terminal) {
        this(chat, null, null, terminal);
    }

    /** With documents: /attach, /docs, /detach, /summarize, and the sources shown after an answer. */
    public ChatRepl(ChatService chat, org.terroir.api.chat.ChatDocuments documents,
            org.terroir.api.energy.CarbonCalculator carbon, Terminal terminal) {
        this.chat = chat;
        this.documents = documents;
        this.carbon = carbon;
        this.terminal = terminal;
        this.out = terminal.writer();
        // its own reader, so the chat's lines do not end up in the shell's command history
        this.reader = LineReaderBuilder.builder().terminal(terminal).appName("terroir-chat")
                .variable(LineReader.DISABLE_HISTORY, Boolean.FALSE).build();
    }

    /** Tells, by a model's name, whether it runs on another machine (its answers then say so). */
    public ChatRepl remoteModels(java.util.function.Predicate<String> isRemote) {
        this.remote = isRemote == null ? name -> false : isRemote;
        return this;
    }

    /**
     * Opens the conversation (or starts one) and chats until the user leaves.
     *
     * @param conversation an existing conversation's id, or null for a new one
     * @param model        a model reference, or null
     * @param preset       a preset id, or null
     */
    public void run(String conversation, String model, String preset) {
        Conversation c;
        if (conversation != null) {
            c = chat.get(conversation).orElseThrow(() -> new TerroirException("chat.conversation.unknown",
                    ChatTexts.get("conversation.unknown", conversation)));
            if (model != null || preset != null) {
                c = chat.update(c.id(), ConversationSettings.empty().withModelRef(model).withPresetId(preset));
            }
        } else {
            c = chat.create(ConversationSettings.empty().withModelRef(model).withPresetId(preset));
        }
        conversationId = c.id();
        Transcript.header(out, c);
        if (c.messageCount() > 0) {
            out.println(ChatTexts.get("resume", c.messageCount()));
        }
        out.println(ChatTexts.get("welcome"));
        out.flush();
        loop();
    }

    private void loop() {
        String prompt = ChatTexts.get("prompt");
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                Thread.interrupted(); // the reader may leave the flag set; it must not stop the next answer
                continue; // Ctrl-C at the prompt drops the line, not the chat
            } catch (EndOfFileException e) {
                return;
            }
            if (line == null) {
                return;
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("/")) {
                    if (!command(line)) {
                        out.flush();
                        return;
                    }
                } else {
                    answer(line);
                }
            } catch (TerroirException e) {
                out.println(ChatTexts.get("error", e.getMessage()));
            } catch (RuntimeException e) {
                // whatever goes wrong with one message or command, the chat and its history go on
                out.println(ChatTexts.get("error", e));
            }
            out.flush();
        }
    }

    private void answer(String text) {
        answer(text, null);
    }

    /** Streams an answer to {@code text}, or the summary of the document {@code summarized} when not null. */
    private void answer(String text, String summarized) {
        Thread.interrupted(); // a Ctrl-C that arrived at the prompt is not meant for this answer
        String prefix = ChatTexts.get("role.assistant") + " ";
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        ChatListener listener = new ChatListener() {
            @Override
            public void onToken(String token) {
                // the prefix comes with the first token, after any notice and only if sending worked
                if (started.compareAndSet(false, true)) {
                    out.print(prefix);
                }
                out.print(token);
                out.flush();
            }

            @Override
            public void onContextTrimmed(int dropped) {
                out.println(ChatTexts.get("context.trimmed", dropped));
                out.flush();
            }

            @Override
            public void onDocumentsLeftOut() {
                out.println(ChatTexts.get("documents.leftOut"));
                out.flush();
            }

            @Override
            public void onProgress(int part, int parts) {
                out.println(part <= parts ? org.terroir.shell.internal.documents.DocumentTexts.get("summary.progress",
                        part, parts) : org.terroir.shell.internal.documents.DocumentTexts.get("summary.combining", parts));
                out.flush();
            }
        };
        ChatTurn turn = summarized == null ? chat.send(conversationId, text, listener)
                : documents().summarize(conversationId, summarized, listener);
        // Ctrl-C stops this answer; the shell's own handler (which would interrupt the whole command) comes back
        SignalHandler previous = terminal.handle(Signal.INT, signal -> turn.cancel());
        try {
            ChatReply reply;
            try {
                reply = turn.result().get();
            } catch (InterruptedException e) {
                turn.cancel();
                Thread.interrupted();
                reply = turn.await();
            }
            if (started.compareAndSet(false, true)) {
                out.print(prefix);
            }
            out.println();
            if (reply.stats().finishReason() == FinishReason.CANCELLED) {
                out.println(ChatTexts.get("answer.stopped"));
            }
            out.println(ChatTexts.statsLine(reply.stats(), carbon, remote.test(reply.stats().model())));
            if (!reply.message().citations().isEmpty()) {
                out.println(org.terroir.shell.internal.documents.DocumentTexts.sources(reply.message().citations()));
            }
        } catch (ExecutionException e) {
            out.println();
            out.println(ChatTexts.get("error", e.getCause().getMessage()));
        } finally {
            terminal.handle(Signal.INT, previous);
        }
    }

    /** Runs a slash command; false when the user leaves. */
    private boolean command(String line) {
        String[] parts = line.split("\\s+", 2);
        String name = parts[0].toLowerCase(Locale.ROOT);
        String arg = parts.length > 1 ? parts[1].strip() : "";
        switch (name) {
            case "/exit", "/quit", "/bye" -> {
                out.println(ChatTexts.get("bye", conversationId));
                return false;
            }
            case "/help", "/?" -> out.println(ChatTexts.get("help"));
            case "/new" -> {
                Conversation old = chat.get(conversationId).orElse(null);
                Conversation c = chat.create(ConversationSettings.empty()
                        .withModelRef(old == null ? null : old.modelRef())
                        .withPresetId(arg.isEmpty() ? null : arg));
                conversationId = c.id();
                Transcript.header(out, c);
            }
            case "/system" -> {
                if (arg.isEmpty()) {
                    out.println(ChatTexts.get("system.current", current().systemPrompt()));
                } else {
                    chat.update(conversationId, ConversationSettings.empty().withSystemPrompt(arg));
                    out.println(ChatTexts.get("system.set"));
                }
            }
            case "/preset" -> {
                if (arg.isEmpty()) {
                    listPresets();
                } else {
                    Conversation c = chat.update(conversationId, ConversationSettings.empty().withPresetId(arg));
                    Preset p = chat.preset(c.presetId()).orElseThrow();
                    out.println(ChatTexts.get("preset.set", p.name(), p.systemPrompt()));
                }
            }
            case "/model" -> {
                if (arg.isEmpty()) {
                    String ref = current().modelRef();
                    out.println(ChatTexts.get("model.is", ref == null ? ChatTexts.get("model.current") : ref));
                } else {
                    chat.update(conversationId, ConversationSettings.empty().withModelRef(arg));
                    out.println(ChatTexts.get("model.set", arg));
                }
            }
            case "/history" -> Transcript.messages(out, current(), chat.messages(conversationId), carbon);
            case "/export" -> export(arg);
            case "/title", "/rename" -> {
                if (!arg.isEmpty()) {
                    chat.rename(conversationId, arg);
                }
                Transcript.header(out, current());
            }
            case "/attach" -> out.println(org.terroir.shell.internal.documents.DocumentTexts.get("attached",
                    org.terroir.shell.internal.documents.DocumentTexts.line(documents().attach(conversationId,
                            org.terroir.shell.internal.documents.DocumentTexts.file(arg)))));
            case "/docs" -> {
                var docs = documents().documents(conversationId);
                if (docs.isEmpty()) {
                    out.println(org.terroir.shell.internal.documents.DocumentTexts.get("documents.none"));
                }
                docs.forEach(d -> out.println("  " + org.terroir.shell.internal.documents.DocumentTexts.line(d)));
                documents().collection(conversationId).ifPresent(c -> out.println(
                        org.terroir.shell.internal.documents.DocumentTexts.get("uses", c)));
            }
            case "/detach" -> out.println(org.terroir.shell.internal.documents.DocumentTexts.get(
                    documents().detach(conversationId, arg) ? "removed" : "absent", arg));
            case "/summarize", "/summarise", "/resume", "/résumer" -> answer(null, arg);
            default -> out.println(ChatTexts.get("command.unknown", name));
        }
        return true;
    }

    private org.terroir.api.chat.ChatDocuments documents() {
        if (documents == null) {
            throw new TerroirException(org.terroir.api.ErrorKind.UNSUPPORTED, "chat.documents.unavailable",
                    ChatTexts.get("documents.unavailable"));
        }
        return documents;
    }

    private Conversation current() {
        return chat.get(conversationId).orElseThrow(() -> new TerroirException("chat.conversation.unknown",
                ChatTexts.get("conversation.unknown", conversationId)));
    }

    private void listPresets() {
        String active = current().presetId();
        for (Preset p : chat.presets()) {
            out.printf("  %s %-12s %s — %s%n", p.id().equals(active) ? "*" : " ", p.id(), p.name(), p.description());
        }
    }

    /** {@code /export [md|json] [file]}: prints the document, or writes it to the file. */
    private void export(String arg) {
        List<String> words = arg.isEmpty() ? List.of() : List.of(arg.split("\\s+", 2));
        ExportFormat format = ExportFormat.MARKDOWN;
        String file = null;
        if (!words.isEmpty()) {
            ExportFormat named = ExportFormat.parse(words.get(0));
            if (named != null) {
                format = named;
                file = words.size() > 1 ? words.get(1) : null;
            } else {
                file = arg;
            }
        }
        out.println(ExportCommand.write(chat, conversationId, format, file));
    }

    /** Writes an export to a file and says where; without a file, returns the document itself. */
    static final class ExportCommand {
        private ExportCommand() {
        }

        static String write(ChatService chat, String conversationId, ExportFormat format, String file) {
            String document = chat.export(conversationId, format);
            if (file == null || file.isBlank()) {
                return document;
            }
            Path path = Path.of(file).toAbsolutePath();
            try {
                if (path.getParent() != null) {
                    Files.createDirectories(path.getParent());
                }
                Files.writeString(path, document);
            } catch (IOException e) {
                throw new TerroirException("chat.export.write", ChatTexts.get("export.failed", path, e.getMessage()),
                        new UncheckedIOException(e));
            }
            return ChatTexts.get("export.done", path);
        }
    }
}

package org.terroir.shell.internal.preset;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.Preset;
import org.terroir.api.chat.PresetStore;
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.Sampling;

/**
 * {@code preset}: the presets, built-in and the user's own: {@code list}, {@code show}, {@code create},
 * {@code edit}, {@code delete}, {@code export}, {@code import}.
 */
@Component(service = PresetCommands.class, property = { "osgi.command.scope=terroir",
        "osgi.command.function=preset" })
public class PresetCommands {
    static final Texts TEXTS = Texts.of("org.terroir.shell.internal.preset.messages", PresetCommands.class);
    /** Most bytes read from a file to import (the store refuses more than its own limit anyway). */
    private static final long MAX_IMPORT_BYTES = 4L << 20;

    @Reference
    ChatService chat;
    @Reference
    PresetStore store;
    /** Every preset in a language (the chat service's list: built-in, plugins', the user's). */
    private java.util.function.Function<Locale, List<Preset>> all = locale -> chat.presets(locale);

    public PresetCommands() {
    }

    /** Tests: the presets and the store without the chat service. */
    PresetCommands(java.util.function.Function<Locale, List<Preset>> all, PresetStore store) {
        this.all = all;
        this.store = store;
    }

    private boolean exists(String id) {
        return all.apply(Texts.locale()).stream().anyMatch(p -> p.id().equals(id));
    }

    @Descriptor("list the presets")
    public void preset(CommandSession session) {
        run(session.getConsole(), "list", Options.NONE);
    }

    @Descriptor("presets: preset list | show <id> | create <name> <system prompt…> | edit <id> [<system prompt…>] | "
            + "delete <id> | export <file> [<id>…] | import <file>")
    public void preset(CommandSession session,
            @Descriptor("new name (edit)") @Parameter(names = { "-n", "--name" }, absentValue = "") String name,
            @Descriptor("what it is for") @Parameter(names = { "-d", "--description" }, absentValue = "") String description,
            @Descriptor("the group it is listed under") @Parameter(names = { "-c", "--category" }, absentValue = "") String category,
            @Descriptor("a first message to start from") @Parameter(names = { "-e", "--example" }, absentValue = "") String example,
            @Descriptor("temperature, 0 to 2") @Parameter(names = { "-t", "--temperature" }, absentValue = "") String temperature,
            @Descriptor("copy this preset (create)") @Parameter(names = { "-f", "--from" }, absentValue = "") String from,
            @Descriptor("rename presets whose name is taken (import)") @Parameter(names = { "-r", "--rename" },
                    presentValue = "true", absentValue = "false") boolean rename,
            @Descriptor("list, show, create, edit, delete, export or import") String action,
            @Descriptor("the id, name, system prompt or file") String... args) {
        run(session.getConsole(), action,
                new Options(name, description, category, example, temperature, from, rename, List.of(args)));
    }

    /** What the options and words after the action say. */
    record Options(String name, String description, String category, String example, String temperature,
            String from, boolean rename, List<String> args) {
        static final Options NONE = new Options("", "", "", "", "", "", false, List.of());

        static Options of(String... args) {
            return new Options("", "", "", "", "", "", false, List.of(args));
        }

        String rest(int from) {
            return args.size() <= from ? "" : String.join(" ", args.subList(from, args.size())).strip();
        }

        String first() {
            if (args.isEmpty() || args.get(0).isBlank()) {
                throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.id.missing", TEXTS.get("preset.id.missing"));
            }
            return args.get(0);
        }
    }

    void run(PrintStream out, String action, Options o) {
        Locale locale = Texts.locale();
        switch (action) {
            case "list", "ls" -> list(out);
            case "show" -> show(out, find(o.first()));
            case "create", "new" -> {
                Preset base = o.from().isBlank() ? null : find(o.from());
                String name = o.args().isEmpty() ? "" : o.args().get(0);
                String system = o.rest(1);
                Preset draft = new Preset(null, name,
                        base == null ? "" : base.description(), !system.isEmpty() ? system
                                : base == null ? "" : base.systemPrompt(),
                        base == null ? null : base.sampling(), base == null ? "" : base.category(),
                        base == null ? "" : base.example());
                Preset created = store.create(apply(draft, o), locale);
                out.println(TEXTS.get("preset.created", created.name(), created.id()));
            }
            case "edit" -> {
                String id = o.first();
                Preset current = store.get(id).orElseGet(() -> {
                    if (exists(id)) {
                        throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.builtin",
                                TEXTS.get("preset.builtin", id));
                    }
                    throw unknown(id);
                });
                String system = o.rest(1);
                Preset edited = apply(system.isEmpty() ? current
                        : new Preset(current.id(), current.name(), current.description(), system, current.sampling(),
                                current.category(), current.example()), o);
                store.update(id, edited, locale);
                out.println(TEXTS.get("preset.edited", edited.name(), id));
            }
            case "delete", "rm" -> {
                String id = o.first();
                if (!store.delete(id)) {
                    throw exists(id)
                            ? new TerroirException(ErrorKind.BAD_REQUEST, "preset.builtin", TEXTS.get("preset.builtin", id))
                            : unknown(id);
                }
                out.println(TEXTS.get("preset.deleted", id));
            }
            case "export" -> {
                Path file = path(o.first());
                List<String> ids = o.args().subList(1, o.args().size());
                String json = store.export(ids, locale);
                write(file, json);
                int count = ids.isEmpty() ? store.list().size() : ids.size();
                out.println(TEXTS.get("preset.exported", count, file));
            }
            case "import" -> {
                Path file = path(o.first());
                List<Preset> got = store.importJson(read(file), o.rename(), locale);
                out.println(TEXTS.get("preset.imported", got.size(), file));
                got.forEach(p -> out.println("  " + p.id() + "  " + p.name()));
            }
            default -> throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.action",
                    TEXTS.get("preset.action", action));
        }
    }

    private void list(PrintStream out) {
        Map<String, List<Preset>> byCategory = new LinkedHashMap<>();
        List<String> mine = store.list().stream().map(Preset::id).toList();
        for (Preset p : all.apply(Texts.locale())) {
            String category = p.category().isBlank() ? TEXTS.get("preset.category.mine") : p.category();
            byCategory.computeIfAbsent(category, k -> new java.util.ArrayList<>()).add(p);
        }
        byCategory.forEach((category, presets) -> {
            out.println(category);
            for (Preset p : presets) {
                out.printf("  %-18s %s%s%n", p.id(), p.name(), mine.contains(p.id()) ? " " + TEXTS.get("preset.mine") : "");
            }
        });
        out.println(TEXTS.get("preset.list.footer"));
    }

    private void show(PrintStream out, Preset p) {
        out.println(p.name() + "  (" + p.id() + ")");
        if (!p.category().isBlank()) {
            out.println(TEXTS.get("preset.show.category", p.category()));
        }
        if (!p.description().isBlank()) {
            out.println(TEXTS.get("preset.show.description", p.description()));
        }
        Sampling s = p.sampling() == null ? Sampling.defaults() : p.sampling();
        out.println(TEXTS.get("preset.show.sampling", String.valueOf(s.temperature()), s.maxTokens()));
        out.println(TEXTS.get("preset.show.system"));
        out.println("  " + p.systemPrompt().replace("\n", "\n  "));
        if (!p.example().isBlank()) {
            out.println(TEXTS.get("preset.show.example"));
            out.println("  " + p.example().strip().replace("\n", "\n  "));
        }
    }

    /** The preset {@code id}, a user's or a built-in one, in the user's language. */
    private Preset find(String id) {
        Optional<Preset> mine = store.get(id);
        return mine.or(() -> all.apply(Texts.locale()).stream().filter(p -> p.id().equals(id)).findFirst())
                .orElseThrow(() -> unknown(id));
    }

    private static Preset apply(Preset p, Options o) {
        Preset r = p;
        if (!o.name().isBlank()) {
            r = r.withName(o.name());
        }
        if (!o.description().isBlank()) {
            r = new Preset(r.id(), r.name(), o.description(), r.systemPrompt(), r.sampling(), r.category(), r.example());
        }
        if (!o.category().isBlank()) {
            r = r.withCategory(o.category());
        }
        if (!o.example().isBlank()) {
            r = r.withExample(o.example());
        }
        if (!o.temperature().isBlank()) {
            float t;
            try {
                t = Float.parseFloat(o.temperature().replace(',', '.'));
            } catch (NumberFormatException e) {
                throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.temperature",
                        TEXTS.get("preset.temperature", o.temperature()));
            }
            r = r.withSampling((r.sampling() == null ? Sampling.defaults() : r.sampling()).withTemperature(t));
        }
        return r;
    }

    private static TerroirException unknown(String id) {
        return new TerroirException(ErrorKind.NOT_FOUND, "preset.unknown", TEXTS.get("preset.unknown", id));
    }

    private static Path path(String name) {
        try {
            String expanded = name.startsWith("~/") ? System.getProperty("user.home") + name.substring(1) : name;
            return Path.of(expanded).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.file", TEXTS.get("preset.file.bad", name));
        }
    }

    private static String read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new TerroirException(ErrorKind.NOT_FOUND, "preset.file", TEXTS.get("preset.file.missing", file));
            }
            if (Files.size(file) > MAX_IMPORT_BYTES) {
                throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.file",
                        TEXTS.get("preset.file.large", file, MAX_IMPORT_BYTES >> 20));
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.file", TEXTS.get("preset.file.text", file));
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.file", TEXTS.get("preset.file.read", file,
                    e.getMessage()));
        }
    }

    /** Written beside the target and moved into place: a failure never leaves half a file. */
    private static void write(Path file, String text) {
        Path dir = file.getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".presets-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.file", TEXTS.get("preset.file.write", file,
                    e.getMessage()));
        }
    }
}

package org.terroir.shell.internal.preset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.Preset;
import org.terroir.api.chat.PresetStore;
import org.terroir.api.i18n.Texts;

/**
 * The {@code preset} command's words and its use of the store (the store's own rules, files and refusals are tested
 * with the real one in the chat bundle: UserPresetStoreTest, ChatBundleTest).
 */
class PresetCommandsTest {
    @TempDir
    Path dir;
    private String before;

    @BeforeEach
    void english() {
        before = System.getProperty(Texts.LANG_PROPERTY);
        System.setProperty(Texts.LANG_PROPERTY, "en");
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(Texts.LANG_PROPERTY);
        } else {
            System.setProperty(Texts.LANG_PROPERTY, before);
        }
    }

    @Test
    void frenchTextsAreFrench() {
        // (both languages' keys: shell's MessagesTest)
        assertEquals("Il n'y a pas de préréglage x (« preset list » les montre).",
                PresetCommands.TEXTS.get(Locale.FRENCH, "preset.unknown", "x"));
    }

    /** Keeps presets in memory and records what it was asked, with the same name rule as the real store. */
    static final class MemoryStore implements PresetStore {
        final Map<String, Preset> presets = new TreeMap<>();
        String lastImport;
        boolean lastRename;

        @Override
        public List<Preset> list() {
            return new ArrayList<>(presets.values());
        }

        @Override
        public Optional<Preset> get(String id) {
            return Optional.ofNullable(presets.get(id));
        }

        @Override
        public Preset create(Preset preset, Locale locale) {
            String id = preset.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
            if (presets.containsKey(id)) {
                throw new TerroirException(ErrorKind.BAD_REQUEST, "preset.exists", "taken");
            }
            presets.put(id, preset.withId(id));
            return presets.get(id);
        }

        @Override
        public Preset update(String id, Preset preset, Locale locale) {
            presets.put(id, preset.withId(id));
            return presets.get(id);
        }

        @Override
        public boolean delete(String id) {
            return presets.remove(id) != null;
        }

        @Override
        public String export(Collection<String> ids, Locale locale) {
            return "{\"format\":\"terroir-presets\",\"ids\":\"" + String.join(",", ids) + "\"}";
        }

        @Override
        public List<Preset> importJson(String json, boolean renameOnClash, Locale locale) {
            lastImport = json;
            lastRename = renameOnClash;
            return List.of(create(new Preset(null, "Imported", "", "p", null), locale));
        }
    }

    /** Two built-in presets, as the chat service lists them, then the store's. */
    private static java.util.function.Function<Locale, List<Preset>> builtIns(MemoryStore store) {
        return locale -> {
            List<Preset> all = new ArrayList<>();
            for (String id : List.of("assistant", "grammar")) {
                all.add(new Preset(id, id + " name", id + " description", "prompt of " + id,
                        org.terroir.api.inference.Sampling.defaults(), "General", ""));
            }
            all.addAll(store.list());
            return all;
        };
    }

    private static String run(PresetCommands commands, String action, PresetCommands.Options options) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        commands.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), action, options);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createsFromABuiltInEditsShowsAndDeletes() {
        MemoryStore store = new MemoryStore();
        PresetCommands commands = new PresetCommands(builtIns(store), store);
        String created = run(commands, "create", new PresetCommands.Options("", "", "Union", "", "0.3", "grammar",
                false, List.of("Union", "leaflet")));
        assertTrue(created.contains("\"Union\" created (id union)") && created.contains("chat -p union"), created);
        Preset p = store.get("union").orElseThrow();
        assertEquals("leaflet", p.systemPrompt(), "the words after the name are the system prompt");
        assertEquals("grammar description", p.description(), "copied from --from");
        assertEquals(0.3f, p.sampling().temperature());
        assertEquals("Union", p.category());

        run(commands, "edit", new PresetCommands.Options("Union tract", "", "", "Write about: ", "", "", false,
                List.of("union", "You", "write", "tracts.")));
        Preset edited = store.get("union").orElseThrow();
        assertEquals("Union tract", edited.name());
        assertEquals("You write tracts.", edited.systemPrompt());
        assertEquals("Write about: ", edited.example());
        assertEquals("Union", edited.category(), "what is not given stays");

        String shown = run(commands, "show", PresetCommands.Options.of("union"));
        assertTrue(shown.contains("Union tract  (union)") && shown.contains("You write tracts.")
                && shown.contains("Temperature 0.3"), shown);
        assertTrue(run(commands, "show", PresetCommands.Options.of("grammar")).contains("prompt of grammar"));

        TerroirException builtin = assertThrows(TerroirException.class,
                () -> run(commands, "delete", PresetCommands.Options.of("grammar")));
        assertTrue(builtin.getMessage().contains("--from grammar"), builtin.getMessage());
        assertTrue(run(commands, "delete", PresetCommands.Options.of("union")).contains("deleted"));
        assertEquals(ErrorKind.NOT_FOUND,
                assertThrows(TerroirException.class, () -> run(commands, "show", PresetCommands.Options.of("union")))
                        .kind());
        assertThrows(TerroirException.class, () -> run(commands, "edit", PresetCommands.Options.of("grammar", "x")));
        TerroirException hot = assertThrows(TerroirException.class, () -> run(commands, "create",
                new PresetCommands.Options("", "", "", "", "warm", "", false, List.of("A", "b"))));
        assertTrue(hot.getMessage().contains("0 to 2"), hot.getMessage());
        assertTrue(assertThrows(TerroirException.class, () -> run(commands, "frobnicate", PresetCommands.Options.NONE))
                .getMessage().contains("preset list"));
    }

    @Test
    void listsByCategoryAndMarksTheUsersOwn() {
        MemoryStore store = new MemoryStore();
        store.create(new Preset(null, "Mine", "", "p", null), Locale.ENGLISH);
        java.util.function.Function<Locale, List<Preset>> chat = locale -> {
            List<Preset> all = new ArrayList<>(List.of(new Preset("minutes", "Meeting minutes", "", "s", null,
                    "Organising", "")));
            all.addAll(store.list());
            return all;
        };
        String list = run(new PresetCommands(chat, store), "list", PresetCommands.Options.NONE);
        assertTrue(list.startsWith("Organising\n  minutes"), list);
        assertTrue(list.contains("My presets\n  mine               Mine (yours)"), list);
    }

    @Test
    void exportsToAFileAndImportsFromOne() throws Exception {
        MemoryStore store = new MemoryStore();
        PresetCommands commands = new PresetCommands(builtIns(store), store);
        Path file = dir.resolve("mine.json");
        String out = run(commands, "export", PresetCommands.Options.of(file.toString(), "a", "b"));
        assertTrue(out.contains("2 preset(s) written to " + file), out);
        assertEquals("{\"format\":\"terroir-presets\",\"ids\":\"a,b\"}", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
        String in = run(commands, "import", new PresetCommands.Options("", "", "", "", "", "", true,
                List.of(file.toString())));
        assertTrue(in.contains("1 preset(s) imported") && in.contains("imported  Imported"), in);
        assertTrue(store.lastRename);
        TerroirException missing = assertThrows(TerroirException.class,
                () -> run(commands, "import", PresetCommands.Options.of(dir.resolve("none.json").toString())));
        assertTrue(missing.getMessage().contains("There is no file"), missing.getMessage());
        Files.write(dir.resolve("binary.json"), new byte[] { (byte) 0xff, (byte) 0xfe, 0 });
        assertFalse(assertThrows(TerroirException.class,
                () -> run(commands, "import", PresetCommands.Options.of(dir.resolve("binary.json").toString())))
                .getMessage().isBlank());
    }
}

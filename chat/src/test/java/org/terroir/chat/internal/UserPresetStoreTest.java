package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.Preset;
import org.terroir.api.inference.Sampling;

import com.google.gson.JsonParser;

/** The user's presets on disk: create, edit, delete, export and import, with refusals in the reader's language. */
class UserPresetStoreTest {
    @TempDir
    Path dir;

    private UserPresetStore store() {
        return new UserPresetStore(dir.resolve("presets"));
    }

    private static Preset preset(String name, String system) {
        return new Preset(null, name, "what it does", system, Sampling.defaults().withTemperature(0.4f), "Union",
                "Start here: ");
    }

    @Test
    void createsEditsAndDeletesPrivateFiles() throws Exception {
        UserPresetStore store = store();
        Preset created = store.create(preset("Tract syndical été", "You write union leaflets."), Locale.ENGLISH);
        assertEquals("tract-syndical-ete", created.id());
        Path file = dir.resolve("presets/tract-syndical-ete.json");
        assertTrue(Files.isRegularFile(file));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        }
        // a fresh store (another start) reads it back as it was
        Preset read = store().get("tract-syndical-ete").orElseThrow();
        assertEquals("Tract syndical été", read.name());
        assertEquals("Union", read.category());
        assertEquals("Start here: ", read.example());
        assertEquals(0.4f, read.sampling().temperature());
        assertEquals(List.of(read), store.presets(Locale.FRENCH), "listed for the chat service in every language");

        Preset edited = store.update(created.id(), read.withName("Union leaflet").withExample("x"), Locale.ENGLISH);
        assertEquals(created.id(), edited.id(), "the id stays");
        assertEquals("Union leaflet", store.get(created.id()).orElseThrow().name());
        try (Stream<Path> files = Files.list(dir.resolve("presets"))) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        assertTrue(store.delete(created.id()));
        assertFalse(store.delete(created.id()));
        assertTrue(store.list().isEmpty());
    }

    @Test
    void refusesWhatWouldBeConfusingInTheReadersLanguage() {
        UserPresetStore store = store();
        store.create(preset("Mine", "p"), Locale.ENGLISH);
        TerroirException twice = assertThrows(TerroirException.class,
                () -> store.create(preset("mine ", "q"), Locale.FRENCH));
        assertEquals(ErrorKind.BAD_REQUEST, twice.kind());
        assertTrue(twice.getMessage().contains("existe déjà"), twice.getMessage());
        // a built-in name in either language is taken too, and a built-in preset is not edited in place
        assertThrows(TerroirException.class, () -> store.create(preset("Communiqué de presse", "p"), Locale.ENGLISH));
        TerroirException builtin = assertThrows(TerroirException.class,
                () -> store.update("minutes", preset("x", "y"), Locale.ENGLISH));
        assertEquals("preset.builtin", builtin.code());
        TerroirException empty = assertThrows(TerroirException.class,
                () -> store.create(preset("Empty", " "), Locale.ENGLISH));
        assertTrue(empty.getMessage().contains("systemPrompt"), empty.getMessage());
        TerroirException hot = assertThrows(TerroirException.class, () -> store.create(
                preset("Hot", "p").withSampling(Sampling.defaults().withTemperature(7)), Locale.FRENCH));
        assertTrue(hot.getMessage().contains("sampling.temperature") && hot.getMessage().contains("entre 0 et 2"),
                hot.getMessage());
        TerroirException unknown = assertThrows(TerroirException.class,
                () -> store.update("nope", preset("x", "y"), Locale.ENGLISH));
        assertEquals(ErrorKind.NOT_FOUND, unknown.kind());
        // a name that slugs to a built-in id gets another id
        assertEquals("minutes-2", store.create(preset("Minutes!!", "p"), Locale.ENGLISH).id());
    }

    @Test
    void exportsAndImportsWholeFiles() {
        UserPresetStore a = store();
        a.create(preset("One", "first"), Locale.ENGLISH);
        a.create(preset("Two", "second"), Locale.ENGLISH);
        String all = a.export(List.of(), Locale.ENGLISH);
        var doc = JsonParser.parseString(all).getAsJsonObject();
        assertEquals("terroir-presets", doc.get("format").getAsString());
        assertEquals(2, doc.getAsJsonArray("presets").size());
        // a built-in preset can be exported too (to share a starting point), in the asked language
        String minutes = a.export(List.of("minutes"), Locale.FRENCH);
        assertTrue(minutes.contains("Compte rendu de réunion"), minutes);

        UserPresetStore b = new UserPresetStore(dir.resolve("other"));
        List<Preset> got = b.importJson(all, false, Locale.ENGLISH);
        assertEquals(List.of("One", "Two"), got.stream().map(Preset::name).toList());
        assertEquals("second", b.get("two").orElseThrow().systemPrompt());

        // the same file again: refused whole without renaming, renamed with it
        TerroirException clash = assertThrows(TerroirException.class, () -> b.importJson(all, false, Locale.FRENCH));
        assertTrue(clash.getMessage().contains("« One »") && clash.getMessage().contains("Rien n'a été importé"),
                clash.getMessage());
        assertEquals(2, b.list().size());
        List<Preset> renamed = b.importJson(all, true, Locale.ENGLISH);
        assertEquals(List.of("One (2)", "Two (2)"), renamed.stream().map(Preset::name).toList());
        assertEquals(4, b.list().size());

        // the built-in one, imported, clashes with the built-in name: renamed
        assertEquals("Compte rendu de réunion (2)", b.importJson(minutes, true, Locale.FRENCH).get(0).name());
    }

    @Test
    void badFilesAreRefusedWithAClearReasonAndNothingWritten() {
        UserPresetStore store = store();
        String[][] cases = {
            { "", "preset.import.empty" },
            { "not json {", "preset.import.json" },
            { "[1,2]", "preset.import.shape" },
            { "{\"format\":\"something-else\",\"presets\":[]}", "preset.import.shape" },
            { "{\"format\":\"terroir-presets\",\"version\":9,\"presets\":[]}", "preset.import.version" },
            { "{\"format\":\"terroir-presets\",\"presets\":[]}", "preset.import.none" },
            { "{\"presets\":[{\"name\":\"Good\",\"systemPrompt\":\"ok\"},{\"name\":\"Bad\",\"systemPrompt\":3}]}",
                "preset.invalid" },
            { "{\"presets\":[{\"name\":\"S\",\"systemPrompt\":\"ok\",\"sampling\":{\"topP\":\"high\"}}]}",
                "preset.invalid" },
        };
        for (String[] c : cases) {
            TerroirException e = assertThrows(TerroirException.class, () -> store.importJson(c[0], true, Locale.FRENCH),
                    c[0]);
            assertEquals(c[1], e.code(), c[0] + ": " + e.getMessage());
            assertEquals(ErrorKind.BAD_REQUEST, e.kind());
            assertFalse(e.getMessage().isBlank());
        }
        TerroirException second = assertThrows(TerroirException.class, () -> store.importJson(cases[6][0], true,
                Locale.ENGLISH));
        assertTrue(second.getMessage().startsWith("Preset number 2 of the file"), second.getMessage());
        assertTrue(store.list().isEmpty(), "a file is taken whole or not at all");
        String many = "{\"presets\":[" + String.join(",",
                java.util.Collections.nCopies(201, "{\"name\":\"x\",\"systemPrompt\":\"y\"}")) + "]}";
        assertEquals("preset.import.tooMany",
                assertThrows(TerroirException.class, () -> store.importJson(many, true, Locale.ENGLISH)).code());
        // one preset object alone is a valid file too
        assertEquals(1, store.importJson("{\"name\":\"Solo\",\"systemPrompt\":\"s\"}", false, Locale.ENGLISH).size());
    }

    @Test
    void aDamagedFileOnDiskIsSkipped() throws Exception {
        UserPresetStore store = store();
        store.create(preset("Fine", "ok"), Locale.ENGLISH);
        Files.writeString(dir.resolve("presets/broken.json"), "{ half");
        assumeTrue(Files.exists(dir.resolve("presets/broken.json")));
        assertEquals(List.of("Fine"), store.list().stream().map(Preset::name).toList());
    }
}

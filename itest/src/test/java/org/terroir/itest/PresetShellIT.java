package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.i18n.Texts;

/**
 * The {@code preset} commands through Gogo as the launcher runs them, in French, on the real store of the chat
 * bundle: list by category, show, create from a built-in, edit, export to a file, import it back renamed, a bad
 * file refused in words, delete, and a built-in refused; {@code help preset} in French.
 */
class PresetShellIT {
    @TempDir
    Path dir;

    @Test
    void presetsFromTheShellInFrench() throws Exception {
        String before = System.getProperty(Texts.LANG_PROPERTY);
        System.setProperty(Texts.LANG_PROPERTY, "fr");
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        try (PlatformFixture fixture = PlatformFixture.start(home)) {
            String list = fixture.shell("preset list").out();
            assertTrue(list.contains("Campagnes et communication") && list.contains("press-release")
                    && list.contains("FALC"), list);
            String show = fixture.shell("preset show minutes").out();
            assertTrue(show.contains("Compte rendu de réunion") && show.contains("Invite système"), show);

            PlatformFixture.Result created = fixture.shell(
                    "preset create --from leaflet -c Comité \"Tract du comité\" Tu écris les tracts du comité.");
            assertEquals(0, created.status(), created.err());
            assertTrue(created.out().contains("tract-du-comite") && created.out().contains("chat -p tract-du-comite"),
                    created.out());
            Path file = home.resolve("presets/tract-du-comite.json");
            assertTrue(Files.isRegularFile(file));
            assertTrue(Files.readString(file).contains("Tu écris les tracts du comité."));
            assertTrue(fixture.shell("preset list").out().contains("Comité\n  tract-du-comite"),
                    fixture.shell("preset list").out());

            assertEquals(0, fixture.shell("preset edit -t 0.4 tract-du-comite Tu écris des tracts courts.").status());
            assertTrue(Files.readString(file).contains("Tu écris des tracts courts."));
            assertTrue(fixture.shell("preset show tract-du-comite").out().contains("Température 0.4"));

            Path export = dir.resolve("mes-prereglages.json");
            PlatformFixture.Result exported = fixture.shell("preset export " + export + " tract-du-comite");
            assertTrue(exported.out().contains("1 préréglage(s) écrit(s)"), exported.out() + exported.err());
            PlatformFixture.Result refused = fixture.shell("preset import " + export);
            assertNotEquals(0, refused.status());
            assertTrue((refused.out() + refused.err()).contains("existe déjà"), refused.out() + refused.err());
            PlatformFixture.Result imported = fixture.shell("preset import --rename " + export);
            assertTrue(imported.out().contains("1 préréglage(s) importé(s)") && imported.out().contains("(2)"),
                    imported.out() + imported.err());

            Path bad = dir.resolve("pas-un-fichier.json");
            Files.writeString(bad, "ceci n'est pas du JSON {");
            PlatformFixture.Result badFile = fixture.shell("preset import " + bad);
            assertNotEquals(0, badFile.status());
            assertTrue((badFile.out() + badFile.err()).contains("n'est pas du JSON valable"), badFile.err());

            PlatformFixture.Result builtin = fixture.shell("preset delete minutes");
            assertTrue((builtin.out() + builtin.err()).contains("fourni avec Terroir"), builtin.err());
            assertTrue(fixture.shell("preset delete tract-du-comite").out().contains("supprimé"));
            assertFalse(Files.exists(file));

            String help = fixture.shell("help preset").out();
            assertTrue(help.contains("copier ce préréglage") && help.contains("renommer les préréglages"), help);
        } finally {
            if (before == null) {
                System.clearProperty(Texts.LANG_PROPERTY);
            } else {
                System.setProperty(Texts.LANG_PROPERTY, before);
            }
        }
    }
}

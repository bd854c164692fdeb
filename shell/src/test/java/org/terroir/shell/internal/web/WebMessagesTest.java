package org.terroir.shell.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.web.KeyLimits;
import org.terroir.api.web.WebStatus;

class WebMessagesTest {
    @Test
    void frenchTextsAreFrench() {
        // (both languages' keys: shell's MessagesTest)
        assertEquals("À l'écoute sur 127.0.0.1, port 8181",
                WebCommands.TEXTS.get(Locale.FRENCH, "serve.address", "127.0.0.1", 8181));
    }

    @Test
    void serveSaysWhetherAKeyIsNeeded() {
        String local = print(new WebStatus(true, List.of("http://127.0.0.1:8181/"), "127.0.0.1", 8181, false, 0,
                List.of()));
        assertTrue(local.contains("http://127.0.0.1:8181/v1"), local);
        assertTrue(local.contains("port 8181"), "no digit grouping in a port: " + local);
        assertTrue(local.contains("no key needed"), local);
        String open = print(new WebStatus(true, List.of("http://192.168.1.2:8181/", "http://127.0.0.1:8181/"),
                "0.0.0.0", 8181, true, 2, List.of("https://example.org")));
        assertTrue(open.contains("needs a key (2 key(s)"), open);
        assertTrue(open.contains("https://example.org"), open);
        assertTrue(print(new WebStatus(false, List.of(), "", -1, false, 0, List.of())).contains("not running"));
    }

    @Test
    void keyOptionsKeepWhatIsNotGivenAndRefuseWhatIsNotADay() {
        KeyLimits base = new KeyLimits(3, 1000, 2);
        assertEquals(base, WebCommands.limits(base, -1, -1, -1));
        assertEquals(new KeyLimits(0, 1000, 5), WebCommands.limits(base, 0, -1, 5));
        assertThrows(TerroirException.class, () -> WebCommands.limits(base, -5, -1, -1));
        Instant now = Instant.now();
        assertEquals(now, WebCommands.expiry("", now));
        assertNull(WebCommands.expiry("never", now));
        assertEquals(LocalDate.of(2027, 6, 30).atStartOfDay(ZoneId.systemDefault()).toInstant(),
                WebCommands.expiry("2027-06-30", null));
        TerroirException bad = assertThrows(TerroirException.class, () -> WebCommands.expiry("30/06/2027", null));
        assertEquals(ErrorKind.BAD_REQUEST, bad.kind());
        assertTrue(bad.getMessage().contains("30/06/2027"), bad.getMessage());
    }

    /** In English whatever the machine's language, and the setting put back as it was. */
    private static String print(WebStatus status) {
        String before = System.getProperty(org.terroir.api.i18n.Texts.LANG_PROPERTY);
        System.setProperty(org.terroir.api.i18n.Texts.LANG_PROPERTY, "en");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new WebCommands().print(new PrintStream(bytes, true, StandardCharsets.UTF_8), status, null);
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            if (before == null) {
                System.clearProperty(org.terroir.api.i18n.Texts.LANG_PROPERTY);
            } else {
                System.setProperty(org.terroir.api.i18n.Texts.LANG_PROPERTY, before);
            }
        }
    }
}

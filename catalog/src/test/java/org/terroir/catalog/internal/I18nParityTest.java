package org.terroir.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.terroir.testkit.i18n.BundleParity;

class I18nParityTest {
    private static Set<String> keys(Locale l) {
        return new TreeSet<>(Msg.TEXTS.bundle(l).keySet());
    }

    @Test
    void bothLanguagesHaveTheSameKeysAndFormat() {
        BundleParity.check(Msg.class, "org.terroir.catalog.internal.messages");
    }

    @Test
    void everyKeyTheCodeUsesExists() throws IOException {
        Pattern use = Pattern.compile("Msg\\.(?:error|text)\\((?:[a-zA-Z.()]+, )?\"([a-z.-]+)\"");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> s = Files.walk(Path.of("src/main/java"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = use.matcher(Files.readString(p));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertFalse(used.isEmpty());
        Set<String> typed = new TreeSet<>(Msg.KINDS.keySet());
        typed.removeAll(keys(Locale.ENGLISH));
        assertEquals(Set.of(), typed, "every key given a kind is a text");
        used.removeAll(keys(Locale.ENGLISH));
        assertEquals(Set.of(), used);
    }
}

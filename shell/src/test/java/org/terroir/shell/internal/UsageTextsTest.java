package org.terroir.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;

/**
 * Every option and argument of every command of the terroir scope, as DS declares them (the component XML bnd
 * wrote), has its French text in usage_fr.properties, and no French text is left for an option that no longer exists:
 * {@code help <command>} is then French throughout for a French reader. English is the annotations' own text.
 */
class UsageTextsTest {
    private static final Pattern FUNCTIONS = Pattern.compile(
            "<property name=\"osgi.command.function\" type=\"String\"(?: value=\"([^\"]*)\"/>|>([^<]*)</property>)");
    private static final Pattern IMPLEMENTATION = Pattern.compile("<implementation class=\"([^\"]+)\"/>");

    @Test
    void everyOptionOfEveryCommandIsInFrench() throws Exception {
        ResourceBundle fr = HelpCommand.USAGE.bundle(Locale.FRENCH);
        List<String> missing = new ArrayList<>();
        TreeSet<String> expected = new TreeSet<>();
        int commands = 0;
        for (Path xml : components()) {
            String text = Files.readString(xml);
            if (!text.contains("name=\"osgi.command.scope\" type=\"String\" value=\"terroir\"")) {
                continue;
            }
            Matcher f = FUNCTIONS.matcher(text);
            Matcher c = IMPLEMENTATION.matcher(text);
            assertTrue(f.find() && c.find(), xml.toString());
            Class<?> type = Class.forName(c.group(1));
            String names = f.group(1) != null ? f.group(1) : f.group(2);
            for (String name : names.split("\\s+")) {
                for (Method m : type.getMethods()) {
                    if (!HelpCommand.implements_(m, name)) {
                        continue;
                    }
                    commands++;
                    int index = 0;
                    for (Parameter p : m.getParameters()) {
                        if (p.getType() == CommandSession.class) {
                            continue;
                        }
                        String key = HelpCommand.usageKey(name, p, index++);
                        expected.add(key);
                        Descriptor d = p.getAnnotation(Descriptor.class);
                        if (!fr.containsKey(key)) {
                            missing.add(key + "=" + (d == null ? "" : d.value()));
                        }
                    }
                }
            }
        }
        assertTrue(commands > 20, "the commands were found: " + commands);
        assertEquals(List.of(), missing, "options without French text");
        TreeSet<String> stale = new TreeSet<>(fr.keySet());
        stale.removeAll(expected);
        assertEquals(new TreeSet<>(), stale, "French texts of options that no longer exist");
    }

    private static List<Path> components() throws IOException {
        Path folder = Path.of("target/classes/OSGI-INF");
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
    }
}

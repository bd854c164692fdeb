package org.terroir.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The platform's bundle set: the jars of {@code <dist>/bundles} matched against {@code <dist>/etc/bundles.list},
 * which names every bundle with its start level. The list, not file names, gives the install and start order; a jar
 * that is no OSGi bundle, a jar the list does not name, or a listed bundle without its jar is a problem, which the
 * build ({@link BundleCheck}) refuses and the launcher logs (and skips).
 */
final class BundleSet {
    static final String LIST = "etc/bundles.list";

    /** One bundle: its jar, symbolic name, start level and whether it may start after the interactive shell. */
    record Entry(Path jar, String symbolicName, int level, boolean background) {
    }

    private record Listed(String symbolicName, int level, boolean background, int line) {
    }

    private final List<Entry> entries;
    private final List<String> problems;

    private BundleSet(List<Entry> entries, List<String> problems) {
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    /** The bundles to install, in start order (level, then the list's order). */
    List<Entry> entries() {
        return entries;
    }

    /** What does not match between bundles/ and the list, one readable sentence each; empty when all is well. */
    List<String> problems() {
        return problems;
    }

    static BundleSet read(Path dist) throws IOException {
        Path listFile = dist.resolve(LIST);
        List<String> problems = new ArrayList<>();
        Map<String, Listed> listed = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(listFile, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            int level;
            try {
                level = Integer.parseInt(words[0]);
            } catch (NumberFormatException e) {
                level = -1;
            }
            if (words.length < 2 || words.length > 3 || level < 1
                    || (words.length == 3 && !"background".equals(words[2]))) {
                problems.add(listFile + " line " + (i + 1) + ": expected \"<start level> <symbolic name> [background]\","
                        + " found \"" + line + "\"");
                continue;
            }
            if (listed.put(words[1], new Listed(words[1], level, words.length == 3, i)) != null) {
                problems.add(listFile + " line " + (i + 1) + ": " + words[1] + " is listed twice");
            }
        }
        Map<String, Path> jars = new HashMap<>();
        try (Stream<Path> files = Files.list(dist.resolve("bundles"))) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                String name = symbolicName(jar);
                if (name == null) {
                    problems.add(jar.getFileName() + " is not an OSGi bundle (its manifest has no Bundle-SymbolicName"
                            + " and Bundle-ManifestVersion: 2): keep it out of distribution's runtime dependencies"
                            + " (an <exclusion> in distribution/pom.xml)");
                } else if (!listed.containsKey(name)) {
                    problems.add(jar.getFileName() + " (" + name + ") is in bundles/ but not in " + LIST
                            + ": add a line \"<start level> " + name + "\" there, or exclude the dependency");
                } else if (jars.put(name, jar) != null) {
                    problems.add(name + " is in bundles/ twice: " + jars.get(name).getFileName() + " and "
                            + jar.getFileName());
                }
            }
        }
        List<Entry> entries = new ArrayList<>();
        listed.values().stream().sorted(Comparator.comparingInt(Listed::level).thenComparingInt(Listed::line))
                .forEach(l -> {
                    Path jar = jars.get(l.symbolicName());
                    if (jar == null) {
                        problems.add(l.symbolicName() + " is listed in " + LIST + " but no jar of bundles/ has it");
                    } else {
                        entries.add(new Entry(jar, l.symbolicName(), l.level(), l.background()));
                    }
                });
        return new BundleSet(entries, problems);
    }

    /** The jar's Bundle-SymbolicName, or null when it is no OSGi R4+ bundle. */
    static String symbolicName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return null;
            }
            Attributes main = manifest.getMainAttributes();
            String name = main.getValue("Bundle-SymbolicName");
            if (name == null || !"2".equals(String.valueOf(main.getValue("Bundle-ManifestVersion")).strip())) {
                return null;
            }
            int semicolon = name.indexOf(';');
            return (semicolon < 0 ? name : name.substring(0, semicolon)).strip();
        }
    }
}

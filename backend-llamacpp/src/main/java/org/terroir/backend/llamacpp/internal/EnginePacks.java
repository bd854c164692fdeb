package org.terroir.backend.llamacpp.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the engine pack (a folder of today's llama.cpp shared libraries) a worker should load, and says why when
 * none can run here. The platform never loads these libraries itself: it only looks at files and at the C
 * library's version (the packs need glibc 2.34 or later on Linux).
 */
final class EnginePacks {
    static final String PROPERTY = "terroir.engines";

    /** A usable pack, or why there is none. */
    record Choice(Optional<Path> pack, String whyNot) {
    }

    private static volatile String glibc;

    private EnginePacks() {
    }

    /**
     * The folder holding packs: the setting, else the framework's terroir.engines property (the launcher sets it
     * to the installation's engines/), else the same system property (tests), else {@code home/engines}.
     */
    static Path folder(String setting, String frameworkProperty, Path home) {
        if (setting != null && !setting.isBlank()) {
            return Path.of(setting.trim());
        }
        if (frameworkProperty != null && !frameworkProperty.isBlank()) {
            return Path.of(frameworkProperty);
        }
        String property = System.getProperty(PROPERTY);
        return property != null && !property.isBlank() ? Path.of(property) : home.resolve("engines");
    }

    /** Pack names for this operating system and processor, best first (GPU packs before the CPU one). */
    static List<String> candidates() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux") && x64) {
            return List.of("linux-x64-cuda", "linux-x64-vulkan", "linux-x64");
        } else if (os.contains("linux") && arm64) {
            return List.of("linux-arm64");
        } else if (os.contains("win") && x64) {
            return List.of("win-x64-cuda", "win-x64-vulkan", "win-x64");
        } else if (os.contains("mac") && arm64) {
            return List.of("mac-arm64-metal");
        } else if (os.contains("mac") && x64) {
            return List.of("mac-x64");
        }
        return List.of();
    }

    static Choice choose(Path folder, String wanted) {
        List<String> names = wanted == null || wanted.isBlank() || wanted.equals("auto") ? candidates()
                : List.of(wanted.trim());
        if (names.isEmpty()) {
            return new Choice(Optional.empty(), "no engine pack exists for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
        }
        String libc = glibcProblem();
        if (libc != null) {
            return new Choice(Optional.empty(), libc);
        }
        for (String name : names) {
            Path pack = folder.resolve(name);
            if (Files.isRegularFile(pack.resolve("PACK.txt")) && hasLibrary(pack)) {
                return new Choice(Optional.of(pack), "");
            }
        }
        return new Choice(Optional.empty(), "no engine pack (" + String.join(", ", names) + ") in " + folder);
    }

    private static boolean hasLibrary(Path pack) {
        try (Stream<Path> files = Files.list(pack)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("(lib)?llama(\\.[a-z0-9]+)?\\.v[0-9.]+\\.(so|dll|dylib)"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Null when the C library is recent enough (or not glibc), else a sentence saying it is not. */
    static String glibcProblem() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        String version = glibcVersion();
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return null; // not glibc (musl): let the worker try and report what fails
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major > 2 || (major == 2 && minor >= 34)) {
            return null;
        }
        return "the C library here is glibc " + m.group() + "; today's llama.cpp packs need 2.34 or later";
    }

    private static String glibcVersion() {
        String v = glibc;
        if (v == null) {
            v = "";
            try {
                Process p = new ProcessBuilder("getconf", "GNU_LIBC_VERSION").redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    v = new String(out, StandardCharsets.UTF_8).trim();
                }
            } catch (IOException e) {
                v = "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            glibc = v;
        }
        return v;
    }
}

package org.terroir.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code terroir} — starts the platform with the interactive shell, or runs commands and exits with a status.
 *
 * <pre>
 * terroir                         interactive shell
 * terroir -c "load m.gguf; ask hi" run commands, exit 0 on success, 1 on failure
 * terroir -f script.gosh          run a script file the same way
 * options: --home DIR (TERROIR_HOME), --lang fr|en
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // Gogo replaces System.out/err with per-thread streams once it runs; commands must write to the real ones.
        java.io.PrintStream stdout = System.out;
        java.io.PrintStream stderr = System.err;
        java.io.InputStream stdin = System.in;
        String command = null;
        Path scriptFile = null;
        Path home = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c", "--command" -> command = joinRest(args, ++i);
                case "-f", "--file" -> scriptFile = Path.of(need(args, ++i, "-f"));
                case "--home" -> home = Path.of(need(args, ++i, "--home"));
                case "--lang" -> System.setProperty("terroir.lang", need(args, ++i, "--lang"));
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown option: " + args[i]);
                    usage();
                    System.exit(2);
                }
            }
            if (command != null) {
                break;
            }
        }
        if (scriptFile != null) {
            command = Files.readString(scriptFile, StandardCharsets.UTF_8);
        }
        Path dist = Path.of(System.getProperty(Platform.DIST_PROPERTY, ".")).toAbsolutePath().normalize();
        if (home == null) {
            home = defaultHome();
        }
        boolean interactive = command == null;
        if (!interactive) {
            // Scripts and tests have no terminal: ask JLine for a plain one instead of letting it warn.
            System.setProperty("org.jline.terminal.dumb", "true");
        }
        Logs.configure(home.toAbsolutePath().resolve("logs"));
        long t0 = System.nanoTime();
        Platform platform = Platform.start(dist, home.toAbsolutePath(), interactive, Map.of());
        boolean debug = Boolean.getBoolean("terroir.debug");
        if (debug) {
            stderr.printf("debug: platform started in %d ms (JVM up %d ms)%n", (System.nanoTime() - t0) / 1_000_000,
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        }
        Thread hook = new Thread(platform::close, "terroir-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        if (interactive) {
            platform.awaitStop();
            status = 0;
        } else {
            long t1 = System.nanoTime();
            status = platform.execute(command, stdin, stdout, stderr);
            long t2 = System.nanoTime();
            platform.close();
            if (debug) {
                stderr.printf("debug: commands %d ms, stop %d ms%n", (t2 - t1) / 1_000_000,
                        (System.nanoTime() - t2) / 1_000_000);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // the JVM is already shutting down
        }
        System.exit(status);
    }

    static Path defaultHome() {
        String value = System.getProperty("terroir.home");
        if (value == null || value.isBlank()) {
            value = System.getenv("TERROIR_HOME");
        }
        return value == null || value.isBlank() ? Path.of(System.getProperty("user.home"), ".terroir")
                : Path.of(value);
    }

    private static String need(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static String joinRest(String[] args, int from) {
        if (from >= args.length) {
            System.err.println("-c needs commands");
            System.exit(2);
        }
        return String.join(" ", java.util.Arrays.copyOfRange(args, from, args.length));
    }

    private static void usage() throws IOException {
        System.out.println("""
                Usage: terroir [--home DIR] [--lang fr|en] [-c "commands" | -f script.gosh]
                  (no option)  start the interactive shell; type `help` for the commands
                  -c COMMANDS  run Gogo commands (separated by ; or new lines) and exit with their status
                  -f FILE      run a script file and exit with its status
                  --home DIR   where models, history and settings live (default: $TERROIR_HOME or ~/.terroir)
                  --lang LANG  fr or en (default: $TERROIR_LANG or the system language)""");
    }
}

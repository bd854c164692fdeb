package org.terroir.launcher;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code terroir} — starts the platform with the interactive shell and opens the page, serves without a shell, or
 * runs commands and exits with a status.
 *
 * <pre>
 * terroir                          interactive shell; the page's address printed and opened in the browser
 * terroir --server                 no shell, no terminal needed: serves until SIGTERM / Ctrl-C
 * terroir -c "load m.gguf; ask hi" run commands, exit 0 on success, 1 on failure
 * terroir -f script.gosh           run a script file the same way
 * options: --port N, --port-auto, --no-browser, --shell, --home DIR (TERROIR_HOME), --lang fr|en
 * </pre>
 *
 * Started without a terminal (a desktop shortcut), it serves as with {@code --server} but opens the page, and takes
 * the next free port if its own is taken. Exit status: 0, 1 (a command failed), 2 (bad options), 3 (port taken).
 * Nothing but one-line messages reaches the console: traces go to {@code TERROIR_HOME/logs/terroir.0.log}.
 */
public final class Main {
    /** How the launcher runs. */
    enum Mode {
        /** the interactive shell on a terminal */
        SHELL,
        /** no shell, until a signal: --server, or no terminal (desktop) */
        SERVER,
        /** -c / -f: run commands, exit */
        COMMANDS
    }

    /** The parsed command line. */
    static final class Options {
        String command;
        Path scriptFile;
        Path home;
        String lang;
        int port = -1;
        boolean portAuto;
        boolean noBrowser;
        boolean server;
        boolean shell;
        boolean help;
    }

    /** A command-line mistake: its one line, already in the user's language. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private Main() {
    }

    static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length && o.command == null; i++) {
            switch (args[i]) {
                case "-c", "--command" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException(Messages.get("option.needs", args[i]));
                    }
                    o.command = String.join(" ", java.util.Arrays.copyOfRange(args, i + 1, args.length));
                }
                case "-f", "--file" -> o.scriptFile = Path.of(need(args, ++i, "-f"));
                case "--home" -> o.home = Path.of(need(args, ++i, "--home"));
                case "--lang" -> {
                    o.lang = need(args, ++i, "--lang");
                    Messages.choose(o.lang);
                }
                case "--port" -> {
                    String value = need(args, ++i, "--port");
                    o.port = Ports.parse(value);
                    if (o.port < 0) {
                        throw new UsageException(Messages.get("port.invalid", value));
                    }
                }
                case "--port-auto" -> o.portAuto = true;
                case "--no-browser" -> o.noBrowser = true;
                case "--server" -> o.server = true;
                case "--shell" -> o.shell = true;
                case "-h", "--help" -> o.help = true;
                default -> {
                    if (args[i].startsWith("--port=")) {
                        String value = args[i].substring("--port=".length());
                        o.port = Ports.parse(value);
                        if (o.port < 0) {
                            throw new UsageException(Messages.get("port.invalid", value));
                        }
                    } else {
                        throw new UsageException(Messages.get("option.unknown", args[i]));
                    }
                }
            }
        }
        return o;
    }

    /** The mode for these options: commands, else --server, else the shell on a terminal (or --shell). */
    static Mode mode(Options o, boolean terminal) {
        if (o.command != null || o.scriptFile != null) {
            return Mode.COMMANDS;
        }
        if (o.server) {
            return Mode.SERVER;
        }
        return terminal || o.shell ? Mode.SHELL : Mode.SERVER;
    }

    public static void main(String[] args) throws Exception {
        // Gogo replaces System.out/err with per-thread streams once it runs; commands must write to the real ones.
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        InputStream stdin = System.in;
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            stderr.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (o.help) {
            stdout.println(Messages.get("usage"));
            return;
        }
        Path home = (o.home == null ? defaultHome() : o.home).toAbsolutePath();
        Logs.configure(home.resolve("logs"));
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> System.getLogger(Main.class.getName())
                .log(System.Logger.Level.ERROR, "uncaught in " + thread.getName(), e));
        int status;
        try {
            status = run(o, home, stdin, stdout, stderr);
        } catch (Exception | LinkageError e) {
            // The trace goes to the log only (INFO is below the console's level); the user gets one line.
            System.getLogger(Main.class.getName()).log(System.Logger.Level.INFO, "start failed", e);
            stderr.println(Messages.get("start.failed", e.getMessage() == null ? e.toString() : e.getMessage(),
                    Logs.file()));
            status = 1;
        }
        System.exit(status);
    }

    private static int run(Options o, Path home, InputStream stdin, PrintStream stdout, PrintStream stderr)
            throws Exception {
        String command = o.command;
        if (o.scriptFile != null) {
            command = Files.readString(o.scriptFile, StandardCharsets.UTF_8);
        }
        boolean terminal = System.console() != null;
        Mode mode = mode(o, terminal);
        Path dist = dist();
        if (mode != Mode.SHELL) {
            // Scripts, servers and tests have no terminal: ask JLine for a plain one instead of letting it warn.
            System.setProperty("org.jline.terminal.dumb", "true");
        }
        Map<String, String> extra = new HashMap<>();
        if (o.lang != null) {
            extra.put("terroir.lang", o.lang); // a framework property: the bundles' language, not the JVM's
        }
        if (mode != Mode.COMMANDS) {
            int port = choosePort(o, home, mode, terminal && !o.server, stdout, stderr);
            if (port < 0) {
                return 3;
            }
            extra.put(Ports.PORT_KEY, Integer.toString(port));
        } else {
            // Scripts rarely need the page: a taken port is not worth a message, the next free one serves.
            int port = o.port > 0 ? o.port : Ports.DEFAULT_PORT;
            Properties conf = Ports.httpConf(home);
            String host = conf.getProperty(Ports.HOST_KEY, Ports.DEFAULT_HOST).strip();
            if (conf.getProperty(Ports.PORT_KEY) == null && !Ports.isFree(host, port)) {
                int next = Ports.nextFree(host, port);
                System.getLogger(Main.class.getName()).log(System.Logger.Level.INFO, "port " + port
                        + " is taken; the web server of this script run uses " + next);
                port = next > 0 ? next : port;
            }
            extra.put(Ports.PORT_KEY, Integer.toString(port));
        }
        if (mode == Mode.SERVER && !o.server) {
            stdout.println(Messages.get("notty"));
        }
        boolean browser = mode != Mode.COMMANDS && !o.server && !o.noBrowser
                && Browser.skipReason(System.getenv()) == null;

        long t0 = System.nanoTime();
        Platform platform = Platform.start(dist, home, mode == Mode.SHELL, extra);
        boolean debug = Boolean.getBoolean("terroir.debug");
        if (debug) {
            stderr.printf("debug: platform started in %d ms (JVM up %d ms)%n", (System.nanoTime() - t0) / 1_000_000,
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        }
        Thread hook = new Thread(platform::close, "terroir-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = 0;
        switch (mode) {
            case SHELL -> {
                // The web server starts in the background (the shell does not wait for it): its address comes when
                // it is there, on a line of its own above a fresh prompt.
                Thread announcer = new Thread(() -> {
                    String url = pageUrl(platform, Duration.ofSeconds(60));
                    if (url != null) {
                        boolean opened = browser && Browser.open(url, System.getenv());
                        stdout.print("\r" + Messages.get(opened ? "page.opened" : "page.open", url)
                                + System.lineSeparator() + "terroir> ");
                        stdout.flush();
                    }
                }, "terroir-page");
                announcer.setDaemon(true);
                announcer.start();
                platform.awaitStop();
            }
            case SERVER -> {
                String url = pageUrl(platform, Duration.ofSeconds(60));
                if (url == null) {
                    stdout.println(Messages.get("server.noPage", 60, Logs.file()));
                } else {
                    stdout.println(Messages.get("server.running", url));
                    if (browser) {
                        Browser.open(url, System.getenv());
                    }
                }
                stdout.flush();
                platform.awaitStop();
            }
            case COMMANDS -> {
                long t1 = System.nanoTime();
                status = platform.execute(command, stdin, stdout, stderr);
                long t2 = System.nanoTime();
                platform.close();
                if (debug) {
                    stderr.printf("debug: commands %d ms, stop %d ms%n", (t2 - t1) / 1_000_000,
                            (System.nanoTime() - t2) / 1_000_000);
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // the JVM is already shutting down (a signal): the hook stops the platform
        }
        return status;
    }

    /**
     * The web server's port for this run, or -1 (the one line said why): {@code conf/org.apache.felix.http.cfg}'s
     * when it sets one (it wins over the command line), else {@code --port}, else 8181. When it is taken: the next
     * free port with {@code --port-auto} or without a terminal, a question on a terminal, else one line and -1.
     */
    static int choosePort(Options o, Path home, Mode mode, boolean ask, PrintStream out, PrintStream err) {
        Properties conf = Ports.httpConf(home);
        String host = conf.getProperty(Ports.HOST_KEY, Ports.DEFAULT_HOST).strip();
        String fromConf = conf.getProperty(Ports.PORT_KEY);
        if (fromConf != null && Ports.parse(fromConf) > 0) {
            int port = Ports.parse(fromConf);
            if (Ports.isFree(host, port)) {
                return port;
            }
            err.println(Messages.get("port.busy.conf", Integer.toString(port),
                    home.resolve("conf/org.apache.felix.http.cfg")));
            return -1;
        }
        int port = o.port > 0 ? o.port : Ports.DEFAULT_PORT;
        if (Ports.isFree(host, port)) {
            return port;
        }
        int next = Ports.nextFree(host, port);
        if (next < 0) {
            err.println(Messages.get("port.busy.none", Integer.toString(port)));
            return -1;
        }
        boolean auto = o.portAuto || (mode == Mode.SERVER && !o.server);
        if (auto) {
            out.println(Messages.get("port.auto", Integer.toString(port), Integer.toString(next)));
            return next;
        }
        if (ask && System.console() != null) {
            String answer = System.console().readLine("%s", Messages.get("port.busy.ask", Integer.toString(port),
                    Integer.toString(next)));
            String a = answer == null ? "n" : answer.strip().toLowerCase(Locale.ROOT);
            if (a.isEmpty() || a.startsWith("y") || a.startsWith("o")) {
                return next;
            }
            return -1;
        }
        err.println(Messages.get("port.busy", Integer.toString(port), Integer.toString(next)));
        return -1;
    }

    /** The page's address with its secret ({@code WebServer.pageUrl()}), waiting for the web server; or null. */
    static String pageUrl(Platform platform, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            String url;
            try {
                url = platform.withService("org.terroir.api.web.WebServer", Duration.ofSeconds(1), server -> {
                    if (server == null) {
                        return null;
                    }
                    try {
                        Object value = server.getClass().getMethod("pageUrl").invoke(server);
                        return value == null ? null : value.toString();
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                });
            } catch (IllegalStateException stopping) {
                return null; // the framework stopped meanwhile
            }
            if (url != null) {
                return url;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * The distribution folder: {@code -Dterroir.dist} (bin/terroir sets it), else found from the launcher jar
     * ({@code java -jar <dist>/lib/terroir-launcher.jar}, or a jpackage image with the jar beside {@code bundles/}).
     */
    static Path dist() {
        String value = System.getProperty(Platform.DIST_PROPERTY);
        if (value != null && !value.isBlank()) {
            return Path.of(value).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve("bundles"))) {
                    return dir;
                }
                if (dir.equals(jar.getParent().getParent())) {
                    break;
                }
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall back to the working folder
        }
        return Path.of(".").toAbsolutePath().normalize();
    }

    static Path defaultHome() {
        String value = System.getProperty("terroir.home");
        if (value == null || value.isBlank()) {
            value = System.getenv("TERROIR_HOME");
        }
        return value == null || value.isBlank() ? Path.of(System.getProperty("user.home"), ".terroir")
                : Path.of(value);
    }

    private static String need(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(Messages.get("option.needs", option));
        }
        return args[i];
    }
}

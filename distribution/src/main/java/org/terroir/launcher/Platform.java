package org.terroir.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The Terroir platform: a Felix framework with every bundle of {@code <dist>/bundles} installed and started,
 * {@code TERROIR_HOME/plugins} hot-deployed and {@code TERROIR_HOME/conf} read by ConfigAdmin. Used by the
 * launcher and, in process, by the integration tests and benchmarks.
 */
public final class Platform implements AutoCloseable {
    /** Where the assembled distribution is (bin/, bundles/, etc/). */
    public static final String DIST_PROPERTY = "terroir.dist";
    /**
     * Start property for tests and benchmarks that call services directly: the api bundle is not installed and
     * its packages come from the caller's class path through the system bundle, so both sides share the classes.
     */
    public static final String API_FROM_CLASSPATH = "terroir.api.from.classpath";
    /** Bundles the interactive shell does not wait for. */
    private static final java.util.Set<String> BACKGROUND = java.util.Set.of("org.apache.felix.http.jetty12");

    private final Framework framework;
    private final Path home;
    private final Path dist;

    private Platform(Framework framework, Path home, Path dist) {
        this.framework = framework;
        this.home = home;
        this.dist = dist;
    }

    /**
     * Starts the platform.
     *
     * @param dist        the distribution folder (holding {@code bundles/} and {@code etc/})
     * @param home        TERROIR_HOME
     * @param interactive whether Gogo opens an interactive console on the terminal
     * @param extra       more framework properties
     */
    public static Platform start(Path dist, Path home, boolean interactive, Map<String, String> extra)
            throws BundleException, IOException {
        for (String dir : List.of("models", "data", "conf", "plugins", "logs", "cache")) {
            HomeFiles.createPrivateDirectories(home.resolve(dir));
        }
        int opened = HomeFiles.tighten(home);
        if (opened > 0) {
            System.getLogger(Platform.class.getName()).log(System.Logger.Level.INFO, "TERROIR_HOME " + home + ": "
                    + opened + " files and folders were open to other accounts of this computer; now this account's only");
        }
        // Bundles read TERROIR_HOME from this property; the framework's own properties don't reach them all.
        System.setProperty("terroir.home", home.toString());

        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, home.resolve("cache/felix").toString());
        // Bundles are re-installed from bundles/ at each start, so an updated distribution is always what runs.
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "sun.misc");
        props.put("gosh.home", dist.toString());
        // Today's llama.cpp engine packs and the worker jars they need (engines/java), laid out by the build.
        props.put("terroir.engines", System.getProperty("terroir.engines", dist.resolve("engines").toString()));
        props.put("gosh.args", interactive ? "" : "--nointeractive");
        // Read by the shell's welcome: scripts and tests get no banner.
        props.put("terroir.interactive", Boolean.toString(interactive));
        props.put("felix.fileinstall.dir", home.resolve("plugins").toString());
        props.put("felix.fileinstall.poll", "500");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.bundles.new.start", "true");
        props.put("felix.fileinstall.log.level", "2");
        // conf/ is the user's: Terroir reads it and never rewrites it.
        props.put("felix.fileinstall.enableConfigSave", "false");
        // The web server listens on this computer only, from its first moment (pid org.apache.felix.http in conf/
        // changes it).
        props.put("org.osgi.service.http.port", "8181");
        props.put("org.apache.felix.http.host", "127.0.0.1");
        props.put("felix.log.level", "1");
        props.put("ds.loglevel", "warn");
        // Framework and DS settings can be tuned from the command line (JAVA_OPTS=-Dds.loglevel=debug).
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("felix.") || name.startsWith("ds.") || name.startsWith("gosh.")
                    || name.startsWith("org.osgi.framework.")) {
                props.put(name, System.getProperty(name));
            }
        }
        props.putAll(extra);
        boolean apiFromClasspath = Boolean.parseBoolean(extra.get(API_FROM_CLASSPATH));
        if (apiFromClasspath) {
            props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "sun.misc," + apiExports(dist));
        }

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Platform.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(props);
        long t0 = System.nanoTime();
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        try (Stream<Path> jars = Files.list(dist.resolve("bundles"))) {
            // The logging and configuration bundles get the lowest ids: the framework stops bundles from the highest
            // id down, so they are still there while the others stop (and log).
            List<String> early = List.of("slf4j-", "org.apache.aries.spifly", "org.apache.felix.configadmin",
                    "org.apache.felix.fileinstall");
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar"))
                    .sorted(java.util.Comparator.comparing((Path p) -> early.stream()
                            .noneMatch(e -> p.getFileName().toString().startsWith(e)))
                            .thenComparing(Path::getFileName))
                    .toList()) {
                if (apiFromClasspath && isApi(jar)) {
                    continue;
                }
                // In place ("reference:"), not copied into the bundle cache: starting stays quick with large bundles.
                installed.add(context.installBundle("reference:" + jar.toUri()));
            }
        }
        framework.start();
        if (Boolean.getBoolean("terroir.debug")) {
            System.err.printf("debug: framework initialised, %d bundles installed in %d ms%n", installed.size(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        // The ServiceLoader mediator (SLF4J 2 needs it), ConfigAdmin and FileInstall first, and conf/ applied before
        // anything else starts: components then come up with the user's settings (a port, an endpoint) instead of
        // the defaults for a moment.
        List<String> first = List.of("org.apache.aries.spifly.dynamic.bundle", "slf4j.jdk14",
                "org.apache.felix.configadmin", "org.apache.felix.fileinstall");
        // The shell's console starts last, so that the commands it greets the user with are already there.
        installed.sort(java.util.Comparator.comparingInt(b -> first.contains(String.valueOf(b.getSymbolicName())) ? 0
                : "org.apache.felix.gogo.jline".equals(b.getSymbolicName()) ? 2 : 1));
        Platform platform = new Platform(framework, home, dist);
        boolean confApplied = false;
        List<Bundle> later = new ArrayList<>();
        for (Bundle bundle : installed) {
            if (!confApplied && !first.contains(String.valueOf(bundle.getSymbolicName()))) {
                platform.watchConfigurations();
                confApplied = true;
            }
            if (interactive && BACKGROUND.contains(String.valueOf(bundle.getSymbolicName()))) {
                later.add(bundle);
            } else {
                start(bundle, installed);
            }
        }
        if (!later.isEmpty()) {
            // The web server takes a second or two to start; the shell does not wait for it.
            Thread starter = new Thread(() -> later.forEach(b -> start(b, installed)), "terroir-late-start");
            starter.setDaemon(true);
            starter.start();
        }
        return platform;
    }

    private static void start(Bundle bundle, List<Bundle> installed) {
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            return;
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try {
            if ("org.apache.felix.gogo.jline".equals(bundle.getSymbolicName())) {
                // JLine finds its terminal providers through the context class loader of the thread that builds the
                // terminal: Gogo's console thread, started from here. Without JLine's own loader it falls back to a
                // dumb terminal, where Ctrl-C stops the whole platform.
                Thread.currentThread().setContextClassLoader(jlineLoader(installed));
            }
            long started = System.nanoTime();
            bundle.start();
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (Boolean.getBoolean("terroir.debug") && ms >= 20) {
                System.err.printf("debug: %s started in %d ms%n", bundle.getSymbolicName(), ms);
            }
        } catch (BundleException | IllegalStateException e) {
            // One broken bundle must not take the platform down: the rest still serve, and lb shows it.
            System.getLogger(Platform.class.getName()).log(System.Logger.Level.ERROR,
                    "bundle " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static ClassLoader jlineLoader(List<Bundle> bundles) {
        for (Bundle b : bundles) {
            if ("org.jline".equals(b.getSymbolicName())) {
                try {
                    b.start();
                } catch (BundleException e) {
                    break;
                }
                org.osgi.framework.wiring.BundleWiring wiring = b.adapt(org.osgi.framework.wiring.BundleWiring.class);
                if (wiring != null) {
                    return wiring.getClassLoader();
                }
            }
        }
        return Thread.currentThread().getContextClassLoader();
    }

    private static boolean isApi(Path jar) {
        return jar.getFileName().toString().matches("api-[0-9].*\\.jar");
    }

    private static String apiExports(Path dist) throws IOException {
        try (Stream<Path> jars = Files.list(dist.resolve("bundles"))) {
            Path api = jars.filter(Platform::isApi).findFirst()
                    .orElseThrow(() -> new IOException("no api bundle in " + dist.resolve("bundles")));
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(api.toFile())) {
                return jar.getManifest().getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            }
        }
    }

    /**
     * A second FileInstall watcher for {@code conf/}: the one configured by framework properties watches
     * {@code plugins/}; this one feeds ConfigAdmin from {@code .cfg} and {@code .config} files.
     */
    private void watchConfigurations() {
        withService("org.osgi.service.cm.ConfigurationAdmin", Duration.ofSeconds(10), admin -> {
            if (admin != null) {
                watchConfigurations(admin);
            }
            return null;
        });
    }

    private void watchConfigurations(Object admin) {
        try {
            Object configuration = admin.getClass()
                    .getMethod("getFactoryConfiguration", String.class, String.class, String.class)
                    .invoke(admin, "org.apache.felix.fileinstall", "terroir-conf", null);
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("felix.fileinstall.dir", home.resolve("conf").toString());
            properties.put("felix.fileinstall.poll", "1000");
            properties.put("felix.fileinstall.noInitialDelay", "true");
            properties.put("felix.fileinstall.enableConfigSave", "false");
            configuration.getClass().getMethod("update", java.util.Dictionary.class).invoke(configuration,
                    properties);
            awaitConfigurations(admin);
        } catch (ReflectiveOperationException e) {
            System.getLogger(Platform.class.getName()).log(System.Logger.Level.WARNING,
                    "conf/ will not be watched", e);
        }
    }

    /** Waits (a few seconds at most) until FileInstall has given ConfigAdmin every file of conf/. */
    private void awaitConfigurations(Object admin) throws ReflectiveOperationException {
        long files;
        try (Stream<Path> list = Files.list(home.resolve("conf"))) {
            files = list.filter(p -> p.toString().endsWith(".cfg") || p.toString().endsWith(".config")).count();
        } catch (IOException e) {
            return;
        }
        java.lang.reflect.Method listing = admin.getClass().getMethod("listConfigurations", String.class);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (files > 0 && System.nanoTime() < end) {
            Object[] found = (Object[]) listing.invoke(admin, "(felix.fileinstall.filename=*)");
            if (found != null && found.length >= files) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public Framework framework() {
        return framework;
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    public Path home() {
        return home;
    }

    public Path dist() {
        return dist;
    }

    /**
     * Calls {@code use} with a service found by class name (waiting up to {@code timeout}; null if none came), and
     * holds the service only while {@code use} runs.
     */
    public <R> R withService(String className, Duration timeout, java.util.function.Function<Object, R> use) {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context(), className, null);
        tracker.open(true);
        try {
            return use.apply(tracker.waitForService(timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return use.apply(null);
        } finally {
            tracker.close();
        }
    }

    /** The bundle with this symbolic name, if installed. */
    public Bundle bundle(String symbolicName) {
        for (Bundle bundle : context().getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    /**
     * Runs Gogo commands in a new session and returns the exit status: 0 when every command succeeded, 1 when one
     * failed (its message is printed on {@code err}, without a stack trace).
     */
    public int execute(String script, InputStream in, PrintStream out, PrintStream err) {
        return new CommandRunner(this).run(script, in, out, err);
    }

    /** Waits until the framework has stopped (for example after the shell's {@code exit}). */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    @Override
    public void close() {
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(TimeUnit.SECONDS.toMillis(30));
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.getLogger(Platform.class.getName()).log(System.Logger.Level.WARNING,
                        "the framework did not stop within 30 s");
            }
        } catch (BundleException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

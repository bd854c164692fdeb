package org.terroir.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The Terroir platform: a Felix framework with the bundle set of {@code <dist>/bundles} installed in place and
 * started in the order of {@code <dist>/etc/bundles.list} (checked at build time by {@link BundleCheck}),
 * {@code TERROIR_HOME/plugins} hot-deployed and {@code TERROIR_HOME/conf} read by ConfigAdmin. Used by the
 * launcher and, in process, by the integration tests and benchmarks.
 */
public final class Platform implements AutoCloseable {
    /** Where the assembled distribution is (bin/, bundles/, etc/). */
    public static final String DIST_PROPERTY = "terroir.dist";
    /**
     * Start property for tests and benchmarks that call services directly: the api bundle is installed and resolved
     * as in production (the system bundle exports none of it), and its classes are loaded through boot delegation
     * from the caller's class path, so both sides share the {@code org.terroir.api} classes.
     */
    public static final String API_FROM_CLASSPATH = "terroir.api.from.classpath";

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
        for (String dir : List.of("models", "data", SavedSettings.FOLDER, "conf", "plugins", "logs", "cache")) {
            HomeFiles.createPrivateDirectories(home.resolve(dir));
        }
        int opened = HomeFiles.tighten(home);
        if (opened > 0) {
            System.getLogger(Platform.class.getName()).log(System.Logger.Level.INFO, "TERROIR_HOME " + home + ": "
                    + opened + " files and folders were open to other accounts of this computer; now this account's only");
        }
        int forgotten = SavedSettings.forgetRemovedFiles(home.resolve(SavedSettings.FOLDER));
        if (forgotten > 0) {
            System.getLogger(Platform.class.getName()).log(System.Logger.Level.INFO, forgotten
                    + " saved settings came from files removed from conf/ while Terroir was stopped; forgotten");
        }
        Map<String, String> props = frameworkProperties(dist, home, interactive, extra);
        if (Boolean.parseBoolean(extra.get(API_FROM_CLASSPATH))) {
            // A test's api classes are the JVM's (boot delegation), so they read the JVM's properties; in production
            // the api bundle reads its framework's (TerroirHome, Texts), and two frameworks keep two homes.
            System.setProperty("terroir.home", home.toString());
        }
        BundleSet set = BundleSet.read(dist);
        for (String problem : set.problems()) {
            // The build refuses these (BundleCheck); a hand-edited distribution still starts, without the culprit.
            System.getLogger(Platform.class.getName()).log(System.Logger.Level.ERROR, "bundles: " + problem);
        }
        // The list's levels are the bundles' OSGi start levels too (lb shows them), and the framework goes up to the
        // highest at once: the launcher starts bundles itself, in order; stopping goes down level by level.
        int top = set.entries().stream().mapToInt(BundleSet.Entry::level).max().orElse(1);
        props.putIfAbsent(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(top));
        Framework framework = newFramework(props);
        long t0 = System.nanoTime();
        framework.init();
        BundleContext context = framework.getBundleContext();
        // Installed and started in the order of etc/bundles.list (start level, then the list's order): logging and
        // configuration get the lowest ids, and the framework stops bundles from the highest id down, so they are
        // still there while the others stop (and log).
        List<Bundle> installed = new ArrayList<>();
        Map<Bundle, BundleSet.Entry> entries = new HashMap<>();
        for (BundleSet.Entry entry : set.entries()) {
            // In place ("reference:"), not copied into the bundle cache: starting stays quick with large bundles.
            Bundle bundle = context.installBundle("reference:" + entry.jar().toUri());
            bundle.adapt(org.osgi.framework.startlevel.BundleStartLevel.class).setStartLevel(entry.level());
            installed.add(bundle);
            entries.put(bundle, entry);
        }
        framework.start();
        if (Boolean.getBoolean("terroir.debug")) {
            System.err.printf("debug: framework initialised, %d bundles installed in %d ms%n", installed.size(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        Platform platform = new Platform(framework, home, dist);
        boolean confApplied = false;
        List<Bundle> later = new ArrayList<>();
        for (Bundle bundle : installed) {
            BundleSet.Entry entry = entries.get(bundle);
            // Level 1 (the ServiceLoader mediator SLF4J 2 needs, ConfigAdmin, FileInstall) first, and conf/ applied
            // before anything else starts: components then come up with the user's settings (a port, an endpoint)
            // instead of the defaults for a moment.
            if (!confApplied && entry.level() > 1) {
                platform.watchConfigurations();
                confApplied = true;
            }
            if (interactive && entry.background()) {
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

    static Framework newFramework(Map<String, String> props) {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Platform.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        return factory.newFramework(props);
    }

    /** The framework properties the platform runs with (also those the build's {@link BundleCheck} resolves with). */
    static Map<String, String> frameworkProperties(Path dist, Path home, boolean interactive,
            Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, home.resolve("cache/felix").toString());
        // TERROIR_HOME for every bundle (the api's TerroirHome reads its framework's property)
        props.put("terroir.home", home.toString());
        // Bundles are re-installed from bundles/ at each start, so an updated distribution is always what runs.
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // ...but the settings are kept: ConfigAdmin's files outside that cache (see SavedSettings).
        props.put("felix.cm.dir", home.resolve(SavedSettings.FOLDER).toString());
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "sun.misc");
        props.put("gosh.home", dist.toString());
        // Today's llama.cpp engine packs and the worker jars they need (engines/java), laid out by the build.
        props.put("terroir.engines", System.getProperty("terroir.engines", dist.resolve("engines").toString()));
        // The documents' embedding model (all-MiniLM-L6-v2), laid out by the build in embeddings/.
        props.put("terroir.embeddings", System.getProperty("terroir.embeddings",
                dist.resolve("embeddings/all-MiniLM-L6-v2").toString()));
        props.put("gosh.args", interactive ? "" : "--nointeractive");
        // Read by the shell's welcome: scripts and tests get no banner.
        props.put("terroir.interactive", Boolean.toString(interactive));
        // One FileInstall, two folders (its comma-separated list): plugins/ (bundles, hot-deployed) and conf/
        // (ConfigAdmin's .cfg and .config files, read while running).
        props.put("felix.fileinstall.dir", home.resolve("plugins") + "," + home.resolve("conf"));
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
        if (Boolean.parseBoolean(extra.get(API_FROM_CLASSPATH))) {
            // The api bundle is installed and resolved like in production (every import of org.terroir.api wires to
            // it); only its classes are loaded by the framework's class loader, so that the caller's and the
            // bundles' org.terroir.api types are the same classes.
            props.put(Constants.FRAMEWORK_BOOTDELEGATION, "org.terroir.api,org.terroir.api.*");
            props.put(Constants.FRAMEWORK_BUNDLE_PARENT, Constants.FRAMEWORK_BUNDLE_PARENT_FRAMEWORK);
        }
        return props;
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

    /** Waits until FileInstall (which watches conf/ from its start) has given ConfigAdmin the files of conf/. */
    private void watchConfigurations() {
        withService("org.osgi.service.cm.ConfigurationAdmin", Duration.ofSeconds(10), admin -> {
            if (admin != null) {
                try {
                    awaitConfigurations(admin);
                } catch (ReflectiveOperationException e) {
                    System.getLogger(Platform.class.getName()).log(System.Logger.Level.WARNING,
                            "conf/ may apply after the components start", e);
                }
            }
            return null;
        });
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

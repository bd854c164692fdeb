package org.terroir.testkit.osgi;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The one way a module's tests boot OSGi (the integration tests boot the whole distribution through the launcher's
 * {@code Platform}, with the same rule): a real framework (Felix, found on the test class path) with a clean
 * storage folder, bundles installed in place from the test class path, and the {@code org.terroir.api} bundle
 * installed and resolved as in production while its classes come from the test's class loader (boot delegation),
 * so that the test calls the bundles' services with its own api types.
 *
 * <pre>{@code
 * try (TestFramework osgi = TestFramework.start(dir)) {
 *     osgi.installFromClassPath("org.terroir.api", "org.osgi.util.function", "org.apache.felix.scr");
 *     osgi.install(Path.of("target/classes"));
 *     osgi.startAll();
 *     ChatService chat = osgi.service(ChatService.class, 30_000);
 * }
 * }</pre>
 */
public final class TestFramework implements AutoCloseable {
    private final Framework framework;
    private final List<Bundle> bundles = new ArrayList<>();

    private TestFramework(Framework framework) {
        this.framework = framework;
    }

    /** Starts a framework storing its cache under {@code storage}, with {@code extra} framework properties. */
    public static TestFramework start(Path storage, Map<String, String> extra) throws BundleException {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // The api bundle resolves and wires as in production; its classes are the test's (see the class comment).
        config.put(Constants.FRAMEWORK_BOOTDELEGATION, "org.terroir.api,org.terroir.api.*");
        config.put(Constants.FRAMEWORK_BUNDLE_PARENT, Constants.FRAMEWORK_BUNDLE_PARENT_FRAMEWORK);
        config.putAll(extra);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, TestFramework.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException(
                        "no OSGi framework on the test class path: add org.apache.felix.framework in test scope"));
        Framework framework = factory.newFramework(config);
        framework.start();
        return new TestFramework(framework);
    }

    public static TestFramework start(Path storage) throws BundleException {
        return start(storage, Map.of());
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** The bundles installed through this helper, in order. */
    public List<Bundle> bundles() {
        return List.copyOf(bundles);
    }

    /** Installs in place a jar or a folder of classes (such as {@code target/classes}). */
    public Bundle install(Path jarOrFolder) throws BundleException {
        Bundle bundle = context().installBundle("reference:" + jarOrFolder.toAbsolutePath().toUri());
        bundles.add(bundle);
        return bundle;
    }

    /**
     * Installs, for each symbolic name, the jar of the test class path whose manifest has that
     * {@code Bundle-SymbolicName}; fails with the name when none has.
     */
    public List<Bundle> installFromClassPath(String... symbolicNames) throws BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (String name : symbolicNames) {
            Path jar = classPathBundle(name);
            installed.add(install(jar));
        }
        return installed;
    }

    /** Starts every installed bundle that is not a fragment, in install order. */
    public void startAll() throws BundleException {
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
    }

    /** The service of that type, waiting up to {@code timeoutMillis}; fails when none comes. */
    public <T> T service(Class<T> type, long timeoutMillis) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
        tracker.open(true);
        T service = tracker.waitForService(timeoutMillis);
        if (service == null) {
            tracker.close();
            throw new AssertionError("no " + type.getName() + " service within " + timeoutMillis + " ms; bundles: "
                    + Arrays.stream(context().getBundles()).map(b -> b.getSymbolicName() + " " + state(b)).toList());
        }
        // Left open: the test holds the service for its duration; close() stops everything.
        return service;
    }

    private static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed (unresolved)";
            default -> Integer.toString(bundle.getState());
        };
    }

    private static Path classPathBundle(String symbolicName) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // A jar, or a module's classes folder when the reactor builds it in the same run.
            java.util.jar.Manifest manifest = null;
            Path path = Path.of(entry);
            try {
                if (entry.endsWith(".jar")) {
                    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
                        manifest = jar.getManifest();
                    }
                } else if (java.nio.file.Files.isRegularFile(path.resolve("META-INF/MANIFEST.MF"))) {
                    try (var in = java.nio.file.Files.newInputStream(path.resolve("META-INF/MANIFEST.MF"))) {
                        manifest = new java.util.jar.Manifest(in);
                    }
                }
            } catch (java.io.IOException e) {
                continue; // not readable: not the one
            }
            String name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (name != null && name.split(";")[0].strip().equals(symbolicName)) {
                return path;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " on the test class path: add its artifact in test scope");
    }

    @Override
    public void close() throws BundleException, InterruptedException {
        framework.stop();
        framework.waitForStop(20_000);
    }
}

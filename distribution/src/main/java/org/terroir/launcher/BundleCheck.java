package org.terroir.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The build's check of the assembled platform (run by distribution's {@code package} phase): {@code bundles/}
 * matches {@code etc/bundles.list} (OSGi bundles only, each listed, each listed one present) and the whole set
 * resolves in the same Felix, with the same framework properties, as the launcher runs; nothing is started. Exits
 * 1 with one line per problem (a missing requirement says which bundle needs what), 0 when the set resolves.
 */
public final class BundleCheck {
    private BundleCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BundleCheck <distribution folder>");
            System.exit(2);
        }
        List<String> problems = check(Path.of(args[0]), System.out);
        for (String problem : problems) {
            System.err.println("bundle check: " + problem);
        }
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** The problems of the distribution at {@code dist}; empty when its bundle set is complete and resolves. */
    static List<String> check(Path dist, PrintStream out) throws IOException, BundleException {
        BundleSet set = BundleSet.read(dist);
        List<String> problems = new ArrayList<>(set.problems());
        Path storage = Files.createTempDirectory("terroir-bundle-check");
        try {
            Map<String, String> props = Platform.frameworkProperties(dist, storage, false, Map.of());
            Framework framework = Platform.newFramework(props);
            framework.init();
            try {
                BundleContext context = framework.getBundleContext();
                List<Bundle> bundles = new ArrayList<>();
                for (BundleSet.Entry entry : set.entries()) {
                    bundles.add(context.installBundle("reference:" + entry.jar().toUri()));
                }
                framework.adapt(FrameworkWiring.class).resolveBundles(bundles);
                for (Bundle bundle : bundles) {
                    if (bundle.getState() != Bundle.INSTALLED) {
                        continue;
                    }
                    if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                        problems.add(bundle.getSymbolicName() + " (a fragment) attaches to no resolved host: "
                                + bundle.getHeaders().get(Constants.FRAGMENT_HOST));
                        continue;
                    }
                    problems.add(bundle.getSymbolicName() + " does not resolve: " + resolutionError(bundle));
                }
                if (problems.isEmpty()) {
                    out.printf("bundle check: %d bundles of %s resolve, started in the order of %s%n",
                            bundles.size(), dist.resolve("bundles"), BundleSet.LIST);
                }
            } finally {
                framework.stop();
                try {
                    framework.waitForStop(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(storage)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return problems;
    }

    /** The resolver's own words: loading a class from an unresolved bundle makes Felix try again and say why. */
    private static String resolutionError(Bundle bundle) {
        try {
            bundle.loadClass("org.terroir.launcher.BundleCheck$NoSuchProbe");
        } catch (ClassNotFoundException e) {
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null) {
                return cause.getMessage();
            }
        }
        return "the framework gave no reason (felix.log.level=4 shows the resolver's log)";
    }
}

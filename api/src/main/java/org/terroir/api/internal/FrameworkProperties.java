package org.terroir.api.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * Settings of the framework the api bundle runs in (the launcher's framework properties, which Felix completes with
 * the JVM's system properties), so that two frameworks in one JVM each keep their own: each framework loads its own
 * api bundle, and so its own copy of this class. Outside a framework (a plain class path, or the api boot-delegated
 * by a test's framework), the JVM's system properties.
 */
public final class FrameworkProperties {
    /** What the framework said while the api bundle was active, for the moments it is not (stopping). */
    private static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    private FrameworkProperties() {
    }

    public static String get(String name) {
        try {
            Bundle bundle = FrameworkUtil.getBundle(FrameworkProperties.class);
            if (bundle != null) {
                BundleContext context = bundle.getBundleContext();
                String value = context == null ? SEEN.get(name) : context.getProperty(name);
                if (context != null && value != null) {
                    SEEN.put(name, value);
                }
                return value != null ? value : System.getProperty(name);
            }
        } catch (LinkageError | RuntimeException e) {
            // no OSGi on the class path, or the bundle going away: the JVM's properties
        }
        return System.getProperty(name);
    }
}

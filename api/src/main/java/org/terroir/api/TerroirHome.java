package org.terroir.api;

import java.nio.file.Path;

/**
 * Where Terroir keeps its files: {@code terroir.home} (system property), else {@code TERROIR_HOME}
 * (environment), else {@code ~/.terroir}. Every bundle asks here so that one setting moves everything.
 */
public final class TerroirHome {
    public static final String PROPERTY = "terroir.home";
    public static final String ENV = "TERROIR_HOME";

    private TerroirHome() {
    }

    public static Path root() {
        String home = System.getProperty(PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(ENV);
        }
        if (home == null || home.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".terroir");
        }
        return Path.of(home).toAbsolutePath();
    }

    /** Downloaded and imported models, {@code models/<owner>/<repo>/<file>}. */
    public static Path models() {
        return root().resolve("models");
    }

    /** Conversation history and other databases. */
    public static Path data() {
        return root().resolve("data");
    }

    /** ConfigAdmin configurations ({@code .cfg}/{@code .config} files, hot-reloaded). */
    public static Path conf() {
        return root().resolve("conf");
    }

    /** Plugin bundles, hot-deployed. */
    public static Path plugins() {
        return root().resolve("plugins");
    }

    public static Path logs() {
        return root().resolve("logs");
    }

    /** Files that can be rebuilt: the framework's bundle cache, extracted native libraries. */
    public static Path cache() {
        return root().resolve("cache");
    }
}

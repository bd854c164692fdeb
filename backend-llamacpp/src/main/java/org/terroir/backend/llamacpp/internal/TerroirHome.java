package org.terroir.backend.llamacpp.internal;

import java.nio.file.Path;

/** Where Terroir keeps its files: {@code terroir.home}, else {@code TERROIR_HOME}, else {@code ~/.terroir}. */
final class TerroirHome {
    static final String PROPERTY = "terroir.home";
    static final String ENV = "TERROIR_HOME";

    private TerroirHome() {
    }

    static Path resolve() {
        String home = System.getProperty(PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(ENV);
        }
        if (home == null || home.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".terroir");
        }
        return Path.of(home);
    }
}

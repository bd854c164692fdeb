package org.terroir.hardware.internal;

import java.nio.file.Path;

/** TERROIR_HOME: the system property {@code terroir.home}, else the environment variable, else ~/.terroir. */
final class TerroirHome {
    private TerroirHome() {
    }

    static Path home() {
        String p = System.getProperty("terroir.home");
        if (p == null || p.isBlank()) {
            p = System.getenv("TERROIR_HOME");
        }
        if (p == null || p.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".terroir");
        }
        return Path.of(p);
    }

    static Path models() {
        return home().resolve("models");
    }
}

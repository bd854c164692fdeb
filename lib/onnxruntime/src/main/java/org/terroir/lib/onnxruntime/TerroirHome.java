package org.terroir.lib.onnxruntime;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Where Terroir keeps its files: {@code terroir.home}, then {@code TERROIR_HOME}, then {@code ~/.terroir}. */
public final class TerroirHome {
    public static final String PROPERTY = "terroir.home";
    public static final String ENV = "TERROIR_HOME";

    private TerroirHome() {
    }

    public static Path get() {
        String home = System.getProperty(PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(ENV);
        }
        if (home == null || home.isBlank()) {
            return Paths.get(System.getProperty("user.home"), ".terroir");
        }
        return Paths.get(home);
    }
}

package org.terroir.launcher;

import java.io.File;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens the page in the default browser: {@code TERROIR_BROWSER} (a command given the address) when set, else
 * {@code xdg-open} on Linux, else {@code java.awt.Desktop} when this Java has it and supports it, else {@code open}
 * (macOS) or {@code rundll32 url.dll,FileProtocolHandler} (Windows). Never fails: a computer without a browser
 * just gets the address printed.
 */
final class Browser {
    private Browser() {
    }

    /** Why the browser is not opened in this environment, or null when it may be. */
    static String skipReason(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.get("CI"))) {
            return "CI=true";
        }
        if (isLinux() && blank(env.get("DISPLAY")) && blank(env.get("WAYLAND_DISPLAY"))) {
            return "no display";
        }
        return null;
    }

    /** Opens {@code url}; true when something was asked to. Errors are logged, never thrown. */
    static boolean open(String url, Map<String, String> env) {
        System.Logger log = System.getLogger(Browser.class.getName());
        try {
            String custom = env.get("TERROIR_BROWSER");
            if (!blank(custom)) {
                return run(List.of(custom, url));
            }
            if (isLinux() && onPath("xdg-open", env) && run(List.of("xdg-open", url))) {
                return true;
            }
            if (desktop(url)) {
                return true;
            }
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (os.contains("mac")) {
                return run(List.of("open", url));
            }
            if (os.contains("win")) {
                return run(List.of("rundll32", "url.dll,FileProtocolHandler", url));
            }
            log.log(System.Logger.Level.INFO, "no way to open a browser here; the page is " + url);
        } catch (RuntimeException | LinkageError e) {
            log.log(System.Logger.Level.INFO, "the browser could not be opened", e);
        }
        return false;
    }

    /** java.awt.Desktop, reached reflectively: a runtime without java.desktop still starts. */
    private static boolean desktop(String url) {
        try {
            if (Boolean.getBoolean("java.awt.headless")) {
                return false;
            }
            Class<?> desktop = Class.forName("java.awt.Desktop");
            if (!(Boolean) desktop.getMethod("isDesktopSupported").invoke(null)) {
                return false;
            }
            Object instance = desktop.getMethod("getDesktop").invoke(null);
            Class<?> action = Class.forName("java.awt.Desktop$Action");
            Object browse = action.getField("BROWSE").get(null);
            if (!(Boolean) desktop.getMethod("isSupported", action).invoke(instance, browse)) {
                return false;
            }
            desktop.getMethod("browse", URI.class).invoke(instance, URI.create(url));
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            System.getLogger(Browser.class.getName()).log(System.Logger.Level.INFO, "java.awt.Desktop: " + e);
            return false;
        }
    }

    private static boolean run(List<String> command) {
        try {
            // Its output is the browser's, not Terroir's: discarded, and it outlives Terroir if it wants to.
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null"))).start();
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            System.getLogger(Browser.class.getName()).log(System.Logger.Level.INFO, command.get(0) + ": " + e);
            return false;
        }
    }

    private static boolean onPath(String program, Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

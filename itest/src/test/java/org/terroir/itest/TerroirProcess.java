package org.terroir.itest;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Terroir started as a user starts it: the assembled distribution's {@code bin/terroir} in a process of its own, on
 * a home of the test's, in English, with nothing on its input and its output in a log file.
 */
public final class TerroirProcess {
    private TerroirProcess() {
    }

    /**
     * Starts {@code bin/terroir --home HOME ARGS...}; the environment is the test's without TERROIR_HOME, CI and
     * TERROIR_BROWSER, with {@code env} on top (e.g. {@code CI=true}: no browser, no console prompts).
     */
    public static Process start(Path home, Path log, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PlatformFixture.dist().resolve("bin/terroir").toString(),
                "--home", home.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(log.toFile());
        builder.environment().remove("TERROIR_HOME");
        builder.environment().remove("CI");
        builder.environment().remove("TERROIR_BROWSER");
        builder.environment().put("TERROIR_LANG", "en");
        builder.environment().putAll(env);
        return builder.start();
    }

    /** A log's text so far, or what kept it from being read (for a failure's message). */
    public static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}

package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.chat.ChatReply;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.chat.Preset;

/**
 * The plugin kit (docs/PLUGINS.md): each project of {@code examples/} is built as a third party would, by its own
 * Maven (offline, against the api that {@code mvn install} put in the local repository), its jar dropped into
 * {@code plugins/} of a running platform, used, removed, and the platform forgets it.
 */
class ExamplesIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("terroir.examples", "../examples"));
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    @Test
    void theBackendExampleBuildsServesTheChatAndLeaves() throws Exception {
        Path jar = build("echo-backend");
        try (PlatformFixture fixture = PlatformFixture.start(dir.resolve("home"))) {
            Path deployed = Files.copy(jar, fixture.home.resolve("plugins").resolve(jar.getFileName()));
            assertTrue(Await.until(() -> hasBackend(fixture, "rules")), "the example's backend registers");
            assertTrue(fixture.shell("backends").out().contains("rules"), "and the shell lists it");

            Path model = dir.resolve("greeter.rules");
            Files.writeString(model, """
                    # a made-up model format: keyword => answer
                    bonjour => Bonjour ! Que puis-je pour vous ?
                    weather => It is always sunny in a rules file.
                    * => I only know two rules.
                    """);
            ChatService chat = chat(fixture);
            Conversation conversation = chat.create(ConversationSettings.empty().withModelRef(model.toString()));
            StringBuilder streamed = new StringBuilder();
            ChatReply reply = chat.send(conversation.id(), "What is the weather like?", streamed::append).result()
                    .get(60, TimeUnit.SECONDS);
            assertEquals("It is always sunny in a rules file.", reply.message().content());
            assertEquals(reply.message().content(), streamed.toString(), "streamed word by word, as a model does");
            ChatReply other = chat.send(conversation.id(), "bonjour", t -> { }).result().get(60, TimeUnit.SECONDS);
            assertEquals("Bonjour ! Que puis-je pour vous ?", other.message().content());
            assertTrue(fixture.models().loaded().stream().anyMatch(m -> m.backendId().equals("rules")),
                    fixture.models().loaded().toString());

            Files.delete(deployed);
            assertTrue(Await.until(() -> !hasBackend(fixture, "rules")), "removing the jar unregisters the backend");
            assertTrue(Await.until(() -> fixture.models().loaded().isEmpty()), "its model is unloaded");
            assertTrue(hasBackend(fixture, "llamacpp"), "the built-in backends stay");
            assertTrue(!fixture.shell("backends").out().contains("rules"), "the shell no longer lists it");
        }
    }

    @Test
    void theFeatureExampleAddsACommandAndAPresetThenTakesThemAway() throws Exception {
        Path jar = build("shell-feature");
        try (PlatformFixture fixture = PlatformFixture.start(dir.resolve("home"))) {
            assertNotEquals(0, fixture.shell("proverb").status(), "no proverb command before the plugin");
            Path deployed = Files.copy(jar, fixture.home.resolve("plugins").resolve(jar.getFileName()));
            assertTrue(Await.until(() -> fixture.shell("proverb 2").status() == 0), "the command arrives");
            PlatformFixture.Result run = fixture.shell("proverb 2");
            assertEquals("The wine is drawn, it must be drunk.", run.out().strip());
            PlatformFixture.Result bad = fixture.shell("proverb 9");
            assertNotEquals(0, bad.status());
            assertTrue(bad.err().contains("choose a number from 1 to 3"), bad.err());

            ChatService chat = chat(fixture);
            assertTrue(Await.until(() -> haiku(chat, Locale.FRENCH) != null), "the preset arrives");
            assertEquals("Haïku", haiku(chat, Locale.FRENCH).name());
            assertEquals("Haiku", haiku(chat, Locale.ENGLISH).name());
            assertTrue(chat.presets(Locale.ENGLISH).stream().anyMatch(p -> p.id().equals("assistant")),
                    "after the built-in ones");

            Files.delete(deployed);
            assertTrue(Await.until(() -> haiku(chat, Locale.ENGLISH) == null), "the preset leaves with the jar");
            assertTrue(Await.until(() -> fixture.shell("proverb").status() != 0), "and so does the command");
        }
    }

    private static Preset haiku(ChatService chat, Locale locale) {
        return chat.presets(locale).stream().filter(p -> p.id().equals("haiku")).findFirst().orElse(null);
    }

    private static ChatService chat(PlatformFixture fixture) {
        Object service = fixture.platform.withService(ChatService.class.getName(), Duration.ofSeconds(20), s -> s);
        if (service == null) {
            throw new AssertionError("no ChatService");
        }
        return (ChatService) service;
    }

    private static boolean hasBackend(PlatformFixture fixture, String id) {
        return fixture.models().backends().stream().anyMatch(b -> b.id().equals(id));
    }

    /**
     * Builds one example as its author would: {@code mvn -o -q package} in its folder, in a child process bounded
     * in time, with a copy of the sources so that the tree stays clean.
     */
    private Path build(String example) throws IOException, InterruptedException {
        Path source = EXAMPLES.resolve(example);
        assertTrue(Files.isRegularFile(source.resolve("pom.xml")), "no example at " + source.toAbsolutePath());
        Path project = dir.resolve("build").resolve(example);
        copy(source, project);
        List<String> command = new ArrayList<>(List.of(mvn(), "-o", "-q", "-B", "package"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(example + "-build.log").toFile()).start();
        if (!process.waitFor(BUILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(example + ": mvn package took more than " + BUILD_LIMIT);
        }
        String log = Files.readString(dir.resolve(example + "-build.log"));
        assertEquals(0, process.exitValue(), example + ": mvn package failed:\n" + log);
        try (Stream<Path> jars = Files.list(project.resolve("target"))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new AssertionError(example + ": no jar in target/\n" + log));
        }
    }

    private static String mvn() {
        String home = System.getProperty("maven.home");
        String name = File.separatorChar == '\\' ? "mvn.cmd" : "mvn";
        if (home != null && Files.isExecutable(Path.of(home, "bin", name))) {
            return Path.of(home, "bin", name).toString();
        }
        return name;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.filter(p -> !from.relativize(p).toString().startsWith("target")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}

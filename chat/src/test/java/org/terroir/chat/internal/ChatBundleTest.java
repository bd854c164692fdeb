package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.inference.ModelManager;

/**
 * The chat bundle in a real Felix with SCR, next to sqlite-jdbc installed as the bundle it is: it resolves, its
 * service comes up, SQLite's native library loads through a bundle class loader, FTS5 works, and the optional
 * model manager binds when it arrives.
 */
class ChatBundleTest {
    private static final String API_PACKAGES = "org.terroir.api;version=1.1.0,org.terroir.api.i18n;version=1.0.0,"
            + "org.terroir.api.inference;version=1.0.0,org.terroir.api.chat;version=1.0.0";

    @TempDir
    Path home;

    private Framework framework;
    private String previousHome;

    @AfterEach
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(20_000);
        }
        if (previousHome == null) {
            System.clearProperty(org.terroir.api.TerroirHome.PROPERTY);
        } else {
            System.setProperty(org.terroir.api.TerroirHome.PROPERTY, previousHome);
        }
    }

    /** The jar on the test class path whose file name starts with {@code prefix}. */
    private static String jar(String prefix) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> Path.of(p).getFileName().toString().startsWith(prefix) && p.endsWith(".jar")).findFirst()
                .map(p -> Path.of(p).toUri().toString()).orElseThrow(() -> new AssertionError("no " + prefix + " jar"));
    }

    @Test
    void theBundleAndSqliteWorkInsideOsgi() throws Exception {
        previousHome = System.getProperty(org.terroir.api.TerroirHome.PROPERTY);
        System.setProperty(org.terroir.api.TerroirHome.PROPERTY, home.toString());
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, home.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // the api's packages come from the test class path, so that the test and the bundle share ChatService
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, API_PACKAGES);
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        framework.start();
        BundleContext context = framework.getBundleContext();

        List<Bundle> bundles = new ArrayList<>();
        for (String location : List.of(jar("org.osgi.util.function"), jar("org.osgi.util.promise"),
                jar("org.osgi.service.component-"), jar("org.apache.felix.scr"), jar("sqlite-jdbc"),
                "reference:" + Path.of("target", "classes").toAbsolutePath().toUri())) {
            bundles.add(context.installBundle(location));
        }
        for (Bundle b : bundles) {
            b.start();
        }
        Bundle sqlite = bundles.get(4);
        assertEquals("org.xerial.sqlite-jdbc", sqlite.getSymbolicName());
        for (Bundle b : bundles) {
            assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName());
        }

        ServiceTracker<ChatService, ChatService> tracker = new ServiceTracker<>(context, ChatService.class, null);
        tracker.open();
        ChatService chat = tracker.waitForService(30_000);
        assertNotNull(chat, "ChatService registered by SCR");
        assertTrue(Files.isRegularFile(home.resolve("data").resolve(ChatStore.FILE_NAME)), "history in TERROIR_HOME/data");

        Conversation c = chat.create(ConversationSettings.empty().withModelRef("tiny").withPresetId("summary"));
        TerroirException noRuntime = assertThrows(TerroirException.class,
                () -> chat.send(c.id(), "hello", ChatListener.NONE));
        assertEquals("chat.runtime.missing", noRuntime.code());

        // a model manager arrives: the optional, dynamic reference picks it up without restarting the service
        context.registerService(ModelManager.class, new SimpleModelManager().offer(ScriptedModel.echo("tiny", 4096)),
                null);
        assertEquals("echo: bonjour l'été", chat.send(c.id(), "bonjour l'été", ChatListener.NONE).await().message()
                .content());
        assertEquals(c.id(), chat.search("ete", 5).get(0).conversationId(), "FTS5 inside the bundle");
        tracker.close();
    }
}

package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.inference.ModelManager;
import org.terroir.testkit.osgi.TestFramework;
import org.terroir.testkit.model.ScriptedModel;

/**
 * The chat bundle in a real Felix with SCR, next to sqlite-jdbc installed as the bundle it is: it resolves, its
 * service comes up, SQLite's native library loads through a bundle class loader, FTS5 works, and the optional
 * model manager binds when it arrives.
 */
class ChatBundleTest {
    @TempDir
    Path home;

    private TestFramework osgi;
    private String previousHome;

    @AfterEach
    void stop() throws Exception {
        if (osgi != null) {
            osgi.close();
        }
        if (previousHome == null) {
            System.clearProperty(org.terroir.api.TerroirHome.PROPERTY);
        } else {
            System.setProperty(org.terroir.api.TerroirHome.PROPERTY, previousHome);
        }
    }

    @Test
    void theBundleAndSqliteWorkInsideOsgi() throws Exception {
        previousHome = System.getProperty(org.terroir.api.TerroirHome.PROPERTY);
        System.setProperty(org.terroir.api.TerroirHome.PROPERTY, home.toString());
        // the api installed as a bundle (its classes shared with this test), the libraries as the bundles they are
        osgi = TestFramework.start(home);
        osgi.installFromClassPath("org.terroir.api", "org.osgi.util.function", "org.osgi.util.promise",
                "org.osgi.service.component", "org.apache.felix.scr", "org.xerial.sqlite-jdbc", "com.google.gson");
        osgi.install(Path.of("target", "classes"));
        osgi.startAll();
        BundleContext context = osgi.context();
        List<Bundle> bundles = osgi.bundles();
        Bundle sqlite = bundles.get(5);
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

        // the user's presets: a service of their own (Gson as the bundle it is), listed by the chat service
        ServiceTracker<org.terroir.api.chat.PresetStore, org.terroir.api.chat.PresetStore> presets =
                new ServiceTracker<>(context, org.terroir.api.chat.PresetStore.class, null);
        presets.open();
        org.terroir.api.chat.PresetStore store = presets.waitForService(30_000);
        assertNotNull(store, "PresetStore registered by SCR");
        org.terroir.api.chat.Preset mine = store.create(new org.terroir.api.chat.Preset(null, "Tract du comité",
                "", "Tu écris des tracts.", null), java.util.Locale.FRENCH);
        assertTrue(Files.isRegularFile(home.resolve("presets").resolve(mine.id() + ".json")));
        assertEquals("Tu écris des tracts.", chat.preset(mine.id()).orElseThrow().systemPrompt());
        assertEquals("Tu écris des tracts.", chat.create(ConversationSettings.empty().withPresetId(mine.id()))
                .systemPrompt(), "a conversation starts from a user preset");
        presets.close();
        tracker.close();
    }
}

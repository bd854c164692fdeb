package org.terroir.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.LoadedModelInfo;
import org.terroir.api.inference.ModelManager;
import org.terroir.testkit.onnx.TinyDecoder;
import org.terroir.testkit.osgi.TestFramework;

/**
 * The model manager as the platform runs it: this bundle in Felix with SCR, beside the real ONNX backend (tiny
 * generated decoders, real ONNX Runtime). Its policies: the least recently used model makes room when the cap of
 * loaded models (4 by default) is reached, a model that answers or is chosen again counts as used, the same file
 * loaded twice is one model, and the models go when the manager's bundle stops.
 */
class ModelManagerBundleTest {
    @TempDir
    Path dir;

    private TestFramework osgi;

    @AfterEach
    void stop() throws Exception {
        if (osgi != null) {
            osgi.close();
        }
    }

    private ModelManager start() throws Exception {
        osgi = OnnxPlatform.start(dir);
        return osgi.service(ModelManager.class, 60_000);
    }

    private static List<String> ids(ModelManager manager) {
        List<String> ids = new ArrayList<>();
        for (LoadedModelInfo info : manager.loaded()) {
            ids.add(info.id());
        }
        return ids;
    }

    @Test
    void theLeastRecentlyUsedModelMakesRoomAndTheSameFileIsOneModel() throws Exception {
        List<Path> folders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            folders.add(TinyDecoder.small().writeTo(dir.resolve("m" + i)));
        }
        ModelManager manager = start();
        List<LoadedModel> loaded = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            loaded.add(manager.load(folders.get(i).toString(), LoadOptions.defaults()));
        }
        assertEquals(4, manager.loaded().size(), ids(manager).toString());
        assertSame(loaded.get(1), manager.load(folders.get(1).toString(), LoadOptions.defaults()),
                "the same folder again is the model already loaded");
        assertEquals(4, manager.loaded().size());

        // m0 is the oldest, but it answers a question, and m1 was chosen again: m2 is now the least recently used.
        OnnxPlatform.use(loaded.get(0));
        String before = manager.loaded().toString();
        LoadedModel fifth = manager.load(folders.get(4).toString(), LoadOptions.defaults());
        List<String> ids = ids(manager);
        assertEquals(4, ids.size(), ids.toString());
        assertFalse(loaded.get(2).isAlive(), "the least recently used model was unloaded: " + ids + " " + before);
        assertTrue(loaded.get(0).isAlive() && loaded.get(1).isAlive() && loaded.get(3).isAlive() && fifth.isAlive(),
                ids.toString());
        assertSame(fifth, manager.current().orElseThrow(), "the last loaded is the current one");

        // The manager's bundle stopping takes its models with it.
        osgi.bundles().get(osgi.bundles().size() - 1).stop();
        for (LoadedModel m : List.of(loaded.get(0), loaded.get(1), loaded.get(3), fifth)) {
            assertFalse(m.isAlive(), "unloaded when the runtime stops");
        }
    }
}

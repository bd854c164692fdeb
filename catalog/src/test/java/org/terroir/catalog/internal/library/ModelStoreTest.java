package org.terroir.catalog.internal.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.InvalidModelException;
import org.terroir.api.ModelFormat;
import org.terroir.api.TerroirException;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelSource;
import org.terroir.catalog.internal.Fixtures;
import org.terroir.testkit.gguf.TensorType;

class ModelStoreTest {
    @TempDir
    Path tmp;
    private byte[] q8;
    private byte[] f16;

    @BeforeEach
    void models() {
        q8 = Fixtures.tinyGguf(tmp, TensorType.Q8_0, 11);
        f16 = Fixtures.tinyGguf(tmp, TensorType.F16, 12);
    }

    private Path write(Path p, byte[] bytes) throws Exception {
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    @Test
    void listsFindsAndRemovesItsOwnModels() throws Exception {
        ModelStore store = new ModelStore(tmp.resolve("models"), List.of());
        write(store.fileFor("acme/tiny-GGUF", "tiny-Q8_0.gguf"), q8);
        write(store.fileFor("acme/tiny-GGUF", "tiny-F16.gguf"), f16);
        write(store.partFor("acme/tiny-GGUF", "tiny-Q4_K_M.gguf"), new byte[10]);
        List<LibraryModel> all = store.list();
        assertEquals(2, all.size(), "the .part is not a model: " + all);
        LibraryModel m = store.find("acme/tiny-GGUF:q8_0").orElseThrow();
        assertEquals("acme/tiny-GGUF/tiny-Q8_0.gguf", m.name());
        assertEquals("llama", m.architecture());
        assertEquals("Q8_0", m.quantization());
        assertEquals(ModelFormat.GGUF, m.format());
        assertEquals(q8.length, m.sizeBytes());
        assertEquals(ModelSource.TERROIR, m.source());
        assertEquals("F16", store.find("acme/tiny-GGUF/tiny-F16.gguf").orElseThrow().quantization());
        assertTrue(store.find("acme/tiny-GGUF").isPresent());
        assertTrue(store.find("tiny-F16.gguf").isPresent());
        assertTrue(store.find("acme/tiny-GGUF:Q2_K").isEmpty());

        assertTrue(store.remove("acme/tiny-GGUF:F16"));
        assertFalse(Files.exists(store.fileFor("acme/tiny-GGUF", "tiny-F16.gguf")));
        assertFalse(store.remove("acme/tiny-GGUF:F16"));
        assertEquals(1, store.own().size());
    }

    @Test
    void aDamagedFileIsListedWithItsProblem() throws Exception {
        ModelStore store = new ModelStore(tmp.resolve("models"), List.of());
        byte[] cut = java.util.Arrays.copyOf(q8, q8.length / 2);
        write(store.fileFor("acme/broken", "broken-Q8_0.gguf"), cut);
        LibraryModel m = store.list().get(0);
        assertFalse(m.problem().isEmpty());
        assertEquals("Q8_0", m.quantization(), "still known from the name");
    }

    @Test
    void importsByCopyLinkOrMoveAndRefusesDamagedFiles() throws Exception {
        ModelStore store = new ModelStore(tmp.resolve("models"), List.of());
        Path a = write(tmp.resolve("in/a-Q8_0.gguf"), q8);
        LibraryModel copied = store.importFile(a, null, ImportMode.COPY);
        assertEquals("local/a-Q8_0/a-Q8_0.gguf", copied.name());
        assertTrue(Files.exists(a));
        Path b = write(tmp.resolve("in/b-F16.gguf"), f16);
        LibraryModel linked = store.importFile(b, "me/b", ImportMode.LINK);
        assertTrue(Files.isSameFile(b, linked.path()));
        Path c = write(tmp.resolve("in/c-F16.gguf"), f16);
        LibraryModel moved = store.importFile(c, "me/c", ImportMode.MOVE);
        assertFalse(Files.exists(c));
        assertEquals("llama", moved.architecture());
        TerroirException twice = assertThrows(TerroirException.class, () -> store.importFile(a, null, ImportMode.COPY));
        assertEquals("library.import-exists", twice.code());
        Path bad = write(tmp.resolve("in/bad.gguf"), "not a model".getBytes(StandardCharsets.UTF_8));
        assertThrows(InvalidModelException.class, () -> store.importFile(bad, null, ImportMode.COPY));
        assertEquals(3, store.own().size());
    }

    @Test
    void findsOtherToolsModelsAndUsesThemInPlace() throws Exception {
        Path home = tmp.resolve("user");
        // LM Studio: <owner>/<repo>/<file>
        Path lm = write(home.resolve(".lmstudio/models/lmstudio-community/tiny-GGUF/tiny-Q8_0.gguf"), q8);
        // Hugging Face cache: the snapshot entry is a symbolic link to a blob
        Path hf = home.resolve(".cache/huggingface/hub/models--acme--cached-GGUF");
        Path blob = write(hf.resolve("blobs/0123abcd"), f16);
        Path snap = hf.resolve("snapshots/5f1e/cached-F16.gguf");
        Files.createDirectories(snap.getParent());
        Files.createSymbolicLink(snap, Path.of("../../blobs/0123abcd"));
        assertTrue(Files.isSameFile(snap, blob));
        // Ollama: a manifest whose model layer is a GGUF blob
        Path ollama = home.resolve(".ollama/models");
        String digest = "sha256:" + "ab".repeat(32);
        write(ollama.resolve("blobs/sha256-" + "ab".repeat(32)), q8);
        write(ollama.resolve("manifests/registry.ollama.ai/library/tiny/latest"), ("{\"schemaVersion\":2,\"layers\":["
                + "{\"mediaType\":\"application/vnd.ollama.image.model\",\"digest\":\"" + digest + "\",\"size\":"
                + q8.length + "},{\"mediaType\":\"application/vnd.ollama.image.template\",\"digest\":\"sha256:"
                + "cd".repeat(32) + "\",\"size\":10}]}").getBytes(StandardCharsets.UTF_8));

        ModelStore store = new ModelStore(tmp.resolve("models"), ExternalRoot.defaults(Map.of(), home));
        List<LibraryModel> found = store.scan();
        assertEquals(3, found.size(), found.toString());
        LibraryModel fromLm = store.find("lmstudio-community/tiny-GGUF:Q8_0").orElseThrow();
        assertEquals(ModelSource.LM_STUDIO, fromLm.source());
        assertEquals(lm, fromLm.path(), "used in place, not copied");
        LibraryModel fromHf = store.find("acme/cached-GGUF/cached-F16.gguf").orElseThrow();
        assertEquals(ModelSource.HUGGING_FACE_CACHE, fromHf.source());
        assertEquals("llama", fromHf.architecture());
        LibraryModel fromOllama = store.find("ollama/tiny:latest").orElseThrow();
        assertEquals(ModelSource.OLLAMA, fromOllama.source());
        assertEquals("llama", fromOllama.architecture());
        assertTrue(fromOllama.path().getFileName().toString().startsWith("sha256-"));
        assertFalse(Files.exists(tmp.resolve("models")), "nothing copied into Terroir's library");

        TerroirException e = Fixtures.inLanguage("en", () -> assertThrows(TerroirException.class,
                () -> store.remove("ollama/tiny:latest")));
        assertEquals("library.remove-external", e.code());
        assertTrue(Files.exists(fromOllama.path()));
    }

    @Test
    void namesThatWouldLeaveTheLibraryAreRefused() {
        ModelStore store = new ModelStore(tmp.resolve("models"), List.of());
        assertThrows(TerroirException.class, () -> store.fileFor("acme/x", "../../../etc/passwd"));
    }
}

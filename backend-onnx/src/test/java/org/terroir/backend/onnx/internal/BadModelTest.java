package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.InvalidModelException;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.testkit.onnx.OddModels;
import org.terroir.testkit.onnx.TinyDecoder;

/** Damaged or foreign folders: a clear error naming what is wrong, no crash, nothing left loaded. */
class BadModelTest {
    @TempDir
    Path dir;
    OnnxBackend backend = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(1));
    String previousLang;

    @BeforeEach
    void english() {
        previousLang = System.setProperty(Texts.LANG_PROPERTY, "en");
    }

    @AfterEach
    void restore() {
        if (previousLang == null) {
            System.clearProperty(Texts.LANG_PROPERTY);
        } else {
            System.setProperty(Texts.LANG_PROPERTY, previousLang);
        }
        assertEquals(0, backend.loadedCount());
    }

    Path tiny() {
        return TinyDecoder.small().writeTo(dir.resolve("tiny"));
    }

    @Test
    void aFolderWithoutTokenizerJsonIsNamedAsSuch() throws Exception {
        Path folder = tiny();
        Files.delete(folder.resolve("tokenizer.json"));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> backend.describe(folder));
        assertEquals("onnx.tokenizer.missing", e.code());
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains(folder.toString()), e.getMessage());
        ModelDescriptor d = new ModelDescriptor("tiny", folder, ModelFormat.ONNX, 0, Map.of());
        ModelLoadException l = assertThrows(ModelLoadException.class, () -> backend.load(d, LoadOptions.defaults()));
        assertEquals("onnx.tokenizer.missing", l.code());
    }

    @Test
    void aTokenizerThatIsNotJsonIsRefusedInJava() throws Exception {
        Path folder = tiny();
        Files.writeString(folder.resolve("tokenizer.json"), "{\"model\": ", StandardCharsets.UTF_8);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> backend.describe(folder));
        assertEquals("onnx.tokenizer.invalid", e.code());
    }

    @Test
    void aModelWithUnexpectedInputsIsClosedAgainWithTheirNames() throws Exception {
        Path folder = tiny();
        Files.write(folder.resolve("model.onnx"), OddModels.unexpectedInputs());
        ModelDescriptor d = backend.describe(folder).orElseThrow();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> backend.load(d, LoadOptions.defaults()));
        assertEquals("onnx.layout.unexpected", e.code());
        assertTrue(e.getMessage().contains("pixel_values") && e.getMessage().contains("input_ids"), e.getMessage());
    }

    @Test
    void truncatedEmptyAndForeignFilesNeverReachOnnxRuntime() throws Exception {
        Path folder = tiny();
        byte[] good = Files.readAllBytes(folder.resolve("model.onnx"));
        Files.write(folder.resolve("model.onnx"), Arrays.copyOf(good, good.length / 2));
        InvalidModelException truncated = assertThrows(InvalidModelException.class, () -> backend.describe(folder));
        assertEquals("onnx.model.notOnnx", truncated.code());
        assertTrue(truncated.getMessage().contains("past the end"), truncated.getMessage());

        Files.write(folder.resolve("model.onnx"), new byte[0]);
        assertEquals("onnx.model.empty", assertThrows(InvalidModelException.class, () -> backend.describe(folder)).code());

        Files.writeString(folder.resolve("model.onnx"), "GGUF this is not a protobuf at all", StandardCharsets.UTF_8);
        assertEquals("onnx.model.notOnnx", assertThrows(InvalidModelException.class, () -> backend.describe(folder)).code());
    }

    @Test
    void aWellFramedButCorruptGraphIsALoadErrorNotACrash() throws Exception {
        Path folder = tiny();
        byte[] bytes = Files.readAllBytes(folder.resolve("model.onnx"));
        // Scramble the inside of the graph while keeping the top-level framing intact.
        for (int i = 30; i < 90; i++) { // the first nodes, just inside the graph
            bytes[i] = (byte) 0xFF;
        }
        Files.write(folder.resolve("model.onnx"), bytes);
        ModelDescriptor d = backend.describe(folder).orElseThrow();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> backend.load(d, LoadOptions.defaults()));
        assertEquals("onnx.load.failed", e.code());
        // The backend still loads a good model afterwards.
        TinyDecoder.small().writeTo(dir.resolve("good"));
        backend.load(backend.describe(dir.resolve("good")).orElseThrow(), LoadOptions.defaults()).close();
    }

    @Test
    void otherPathsAreNotOnnx() throws Exception {
        Files.writeString(dir.resolve("model.gguf"), "GGUF", StandardCharsets.UTF_8);
        assertTrue(backend.describe(dir.resolve("model.gguf")).isEmpty());
        assertTrue(backend.describe(dir).isEmpty());
    }

    @Test
    void bothLanguagesHaveTheSameKeys() {
        Texts texts = Messages.TEXTS;
        assertEquals(texts.bundle(Locale.ENGLISH).keySet(), texts.bundle(Locale.FRENCH).keySet());
        assertTrue(texts.bundle(Locale.FRENCH).getString("onnx.tokenizer.missing").contains("tokenizer.json"));
    }

    @Test
    void errorsSpeakFrenchWhenAsked() throws Exception {
        System.setProperty(Texts.LANG_PROPERTY, "fr");
        Path folder = tiny();
        Files.delete(folder.resolve("tokenizer.json"));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> backend.describe(folder));
        assertTrue(e.getMessage().startsWith("Le dossier de modèle ONNX"), e.getMessage());
    }
}

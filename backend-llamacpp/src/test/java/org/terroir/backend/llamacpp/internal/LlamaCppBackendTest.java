package org.terroir.backend.llamacpp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.InvalidModelException;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.ModelFormat;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.MalformedGguf;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/** The backend with its real worker processes running the real llama.cpp on tiny generated models. */
class LlamaCppBackendTest {
    @TempDir
    static Path models;
    static Path tiny;
    static Path tinyEndsOnEos;
    /** Generates for many seconds before its context is full: long enough to cancel or kill it mid-stream. */
    static Path tinyLong;
    static final int LONG_CONTEXT = 32768;

    @TempDir
    Path home;
    LlamaCppBackend backend;

    @BeforeAll
    static void writeModels() {
        tiny = models.resolve("tiny.gguf");
        TinyLlama.unitTest().weightType(TensorType.Q8_0).build().write(tiny);
        tinyEndsOnEos = models.resolve("tiny-eos.gguf");
        TinyLlama.unitTest().weightType(TensorType.Q8_0).suppressSpecialTokens(false).build().write(tinyEndsOnEos);
        tinyLong = models.resolve("tiny-long.gguf");
        TinyLlama.unitTest().weightType(TensorType.Q8_0).contextLength(LONG_CONTEXT).build().write(tinyLong);
    }

    /** The engine under test; {@link CurrentEngineBackendTest} runs every test again on today's llama.cpp. */
    Engine engine() {
        return Engine.CLASSIC;
    }

    LlamaCppBackend newBackend(LlamaCppConfig config) {
        return new LlamaCppBackend(engine(), config, home,
                new BundleWorkerClasspath(TestBundle.create(1L), home.resolve("cache/llamacpp")));
    }

    @BeforeEach
    void startBackend() {
        backend = newBackend(TestConfig.defaults());
    }

    @AfterEach
    void stopBackend() {
        backend.deactivate();
    }

    private LlamaCppModel load(Path file, LoadOptions options) {
        ModelDescriptor descriptor = backend.describe(file).orElseThrow();
        return (LlamaCppModel) backend.load(descriptor, options);
    }

    @Test
    void describeReadsTheMetadataInJava() {
        ModelDescriptor descriptor = backend.describe(tiny).orElseThrow();
        assertEquals(ModelFormat.GGUF, descriptor.format());
        assertEquals("tiny.gguf", descriptor.name());
        assertEquals("llama", descriptor.property(ModelDescriptor.ARCHITECTURE));
        assertEquals("Q8_0", descriptor.property(ModelDescriptor.QUANTIZATION));
        assertEquals("512", descriptor.property(ModelDescriptor.CONTEXT_LENGTH));
        assertEquals("true", descriptor.property(ModelDescriptor.CHAT_TEMPLATE));
        assertEquals("2", descriptor.property(ModelDescriptor.LAYERS));
        assertEquals("128", descriptor.property(ModelDescriptor.EMBEDDING_LENGTH));
        assertEquals(String.valueOf(TinyLlama.unitTest().build().parameterCount()),
                descriptor.property(ModelDescriptor.PARAMETERS));
        assertTrue(backend.supports(descriptor));
    }

    @Test
    void describeIgnoresWhatIsNotGguf() throws Exception {
        Path text = Files.writeString(home.resolve("notes.txt"), "hello");
        assertTrue(backend.describe(text).isEmpty());
        assertTrue(backend.describe(home).isEmpty());
    }

    @Test
    void aMalformedFileNeverStartsAWorker() {
        Set<Long> before = children();
        for (MalformedGguf.Defect defect : List.of(MalformedGguf.Defect.TRUNCATED, MalformedGguf.Defect.WRONG_MAGIC,
                MalformedGguf.Defect.TENSOR_OFFSET_PAST_END, MalformedGguf.Defect.DUPLICATE_TOKENS)) {
            Path file = MalformedGguf.write(defect, home.resolve(defect + ".gguf")).file();
            assertThrows(InvalidModelException.class, () -> backend.describe(file), defect.name());
            // Even a descriptor made up by someone else is checked again before loading.
            ModelDescriptor forged = new ModelDescriptor(file.getFileName().toString(), file, ModelFormat.GGUF, 0, null);
            assertThrows(InvalidModelException.class, () -> backend.load(forged, LoadOptions.defaults()), defect.name());
        }
        assertEquals(before, children());
        assertTrue(backend.models().isEmpty());
    }

    @Test
    void invalidOptionsAreRefusedBeforeAnyProcessStarts() {
        Set<Long> before = children();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> load(tiny, LoadOptions.defaults().withContextLength(8)));
        assertEquals("llamacpp.option.context", e.code());
        assertThrows(ModelLoadException.class, () -> load(tiny, LoadOptions.defaults().withThreads(100_000)));
        assertThrows(ModelLoadException.class, () -> load(tiny, LoadOptions.defaults().withGpuLayers(-2)));
        assertThrows(ModelLoadException.class,
                () -> load(tiny, LoadOptions.defaults().withContextLength(64).withBatchSize(65)));
        assertEquals(before, children());
    }

    @Test
    void streamsTokensAndCountsThem() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(256));
        assertTrue(model.isAlive());
        assertEquals(256, model.contextLength());
        assertEquals(engine().backendId, model.backendId());
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        GenerationStats stats = model.generate(GenerationRequest.completion("the cat sat on", Sampling.greedy(12)),
                pieces::add).await();
        assertEquals(FinishReason.LENGTH, stats.finishReason());
        assertEquals(12, stats.generatedTokens());
        assertEquals(String.join("", pieces), stats.text());
        assertFalse(stats.text().isEmpty());
        // BOS + the prompt's tokens, as the model saw them
        assertEquals(model.tokenize("the cat sat on").length + 1, stats.promptTokens());
        assertTrue(stats.timeToFirstTokenMs() > 0);
        assertTrue(stats.totalMs() >= stats.timeToFirstTokenMs());
        assertTrue(stats.tokensPerSecond() > 0);

        // greedy sampling is deterministic: the same request gives the same text
        GenerationStats again = model.generate(GenerationRequest.completion("the cat sat on", Sampling.greedy(12)),
                null).await();
        assertEquals(stats.text(), again.text());
    }

    @Test
    void chatGoesThroughTheModelsOwnTemplate() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(256));
        List<ChatMessage> chat = List.of(ChatMessage.system("Be brief."), ChatMessage.user("the cat sat"));
        GenerationStats viaTemplate = model.generate(GenerationRequest.chat(chat, Sampling.greedy(8)), null).await();
        String chatMl = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nthe cat sat<|im_end|>\n"
                + "<|im_start|>assistant\n";
        GenerationStats byHand = model.generate(GenerationRequest.completion(chatMl, Sampling.greedy(8)), null).await();
        assertEquals(byHand.promptTokens(), viaTemplate.promptTokens());
        assertEquals(byHand.text(), viaTemplate.text());
        assertTrue(viaTemplate.promptTokens() > model.tokenize("Be brief. the cat sat").length + 1);
    }

    @Test
    void logprobsAndLogitBiasOnTodaysEngineOnlyPenaltiesOnBoth() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(128));
        GenerationRequest withLogprobs = GenerationRequest.completion("the", Sampling.greedy(3)).withLogprobs(2);
        GenerationRequest withBias = GenerationRequest.completion("the", Sampling.greedy(3)
                .withLogitBias(java.util.Map.of(300, -100f)));
        GenerationStats penalized = model.generate(GenerationRequest.completion("the", Sampling.greedy(3)
                .withPresencePenalty(1f).withFrequencyPenalty(0.5f)), null).await();
        assertEquals(3, penalized.generatedTokens());
        if (engine() == Engine.CLASSIC) {
            GenerationException lp = assertThrows(GenerationException.class,
                    () -> model.generate(withLogprobs, null).await());
            assertEquals(org.terroir.api.ErrorKind.UNSUPPORTED, lp.kind());
            assertEquals("llamacpp.worker.classic.logprobs", lp.code());
            GenerationException bias = assertThrows(GenerationException.class,
                    () -> model.generate(withBias, null).await());
            assertEquals("llamacpp.worker.classic.bias", bias.code());
        } else {
            assertEquals(3, model.generate(withLogprobs, null).await().logprobs().size());
            assertEquals(3, model.generate(withBias, null).await().generatedTokens());
        }
    }

    @Test
    void aSystemMessageAfterTheFirstIsRefused() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(128));
        GenerationException e = assertThrows(GenerationException.class, () -> model.generate(GenerationRequest.chat(
                List.of(ChatMessage.user("hi"), ChatMessage.system("late")), Sampling.greedy(4)), null));
        assertEquals("llamacpp.request.system", e.code());
    }

    @Test
    void stopsOnEndOfTurnAndOnStopStrings() {
        LlamaCppModel model = load(tinyEndsOnEos, LoadOptions.defaults().withContextLength(256));
        GenerationStats stats = model.generate(GenerationRequest.completion("the", Sampling.greedy(200)), null)
                .await();
        // A random model may or may not produce EOS; whatever it did, the reason must match the count.
        assertEquals(stats.generatedTokens() < 200 ? FinishReason.STOP : FinishReason.LENGTH, stats.finishReason());

        LlamaCppModel suppressed = load(tiny, LoadOptions.defaults().withContextLength(256));
        String text = suppressed.generate(GenerationRequest.completion("the", Sampling.greedy(40)), null).await().text();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
        GenerationStats stopped = suppressed.generate(GenerationRequest.completion("the",
                Sampling.greedy(40).withStop(List.of(stop))), null).await();
        assertEquals(FinishReason.STOP, stopped.finishReason());
        assertEquals(text.substring(0, text.indexOf(stop)), stopped.text());
    }

    @Test
    void aFullContextEndsTheGeneration() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(32));
        GenerationStats stats = model.generate(GenerationRequest.completion("the cat", Sampling.greedy(1000)), null)
                .await();
        assertEquals(FinishReason.CONTEXT_FULL, stats.finishReason());
        assertEquals(32, stats.promptTokens() + stats.generatedTokens());

        String longPrompt = "the cat sat on the mat ".repeat(40);
        GenerationException e = assertThrows(GenerationException.class,
                () -> model.generate(GenerationRequest.completion(longPrompt, Sampling.greedy(4)), null).await());
        assertEquals("llamacpp.worker.prompt.too.long", e.code());
        assertTrue(model.isAlive());
    }

    @Test
    void cancellingStopsTheStream() throws Exception {
        LlamaCppModel model = load(tinyLong, LoadOptions.defaults().withContextLength(LONG_CONTEXT));
        CountDownLatch started = new CountDownLatch(5);
        Generation generation = model.generate(GenerationRequest.completion("the", Sampling.greedy(1_000_000)),
                text -> started.countDown());
        assertTrue(started.await(60, TimeUnit.SECONDS));
        generation.cancel();
        generation.cancel();
        GenerationStats stats = generation.await();
        assertEquals(FinishReason.CANCELLED, stats.finishReason());
        assertTrue(stats.generatedTokens() >= 5 && stats.generatedTokens() < LONG_CONTEXT - 10,
                "" + stats.generatedTokens());
        // the model serves the next request as usual
        assertEquals(FinishReason.LENGTH,
                model.generate(GenerationRequest.completion("the", Sampling.greedy(3)), null).await().finishReason());
    }

    @Test
    void requestsWaitForTheGenerationBeforeThem() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(256));
        Generation first = model.generate(GenerationRequest.completion("the", Sampling.greedy(30)), null);
        Generation second = model.generate(GenerationRequest.completion("a cat", Sampling.greedy(30)), null);
        assertEquals(30, first.await().generatedTokens());
        assertEquals(30, second.await().generatedTokens());
    }

    @Test
    void aKilledWorkerIsAClearErrorAndTheModelCanBeLoadedAgain() throws Exception {
        LlamaCppModel model = load(tinyLong, LoadOptions.defaults().withContextLength(LONG_CONTEXT));
        CountDownLatch started = new CountDownLatch(3);
        Generation generation = model.generate(GenerationRequest.completion("the", Sampling.greedy(1_000_000)),
                text -> started.countDown());
        assertTrue(started.await(60, TimeUnit.SECONDS));
        ProcessHandle process = model.process();
        process.destroyForcibly(); // SIGKILL, like kill -9
        GenerationException e = assertThrows(GenerationException.class, generation::await);
        assertEquals("llamacpp.worker.died", e.code());
        assertTrue(e.getMessage().contains("tiny-long.gguf"), e.getMessage());
        assertTrue(e.getMessage().contains("137"), e.getMessage());
        // the log's place, never its lines (they go to the platform log)
        assertTrue(e.getMessage().contains("llamacpp-tiny-long.gguf.log"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(model.isAlive());
        assertTrue(backend.models().isEmpty());
        assertThrows(GenerationException.class,
                () -> model.generate(GenerationRequest.completion("the", Sampling.greedy(2)), null).await());

        LlamaCppModel again = load(tiny, LoadOptions.defaults().withContextLength(128));
        assertEquals(4, again.generate(GenerationRequest.completion("the", Sampling.greedy(4)), null).await()
                .generatedTokens());
    }

    @Test
    void unloadingEndsTheProcess() throws Exception {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(128));
        ProcessHandle process = model.process();
        assertTrue(process.isAlive());
        assertTrue(children().contains(process.pid()));
        model.close();
        assertFalse(process.isAlive());
        assertFalse(model.isAlive());
        assertTrue(backend.models().isEmpty());
        GenerationException e = assertThrows(GenerationException.class,
                () -> model.generate(GenerationRequest.completion("the", Sampling.greedy(2)), null).await());
        assertEquals("llamacpp.model.unloaded", e.code());
        model.close(); // twice is fine
    }

    @Test
    void aListenerMayUnloadItsOwnModel() {
        LlamaCppModel model = load(tinyLong, LoadOptions.defaults().withContextLength(LONG_CONTEXT));
        Generation generation = model.generate(GenerationRequest.completion("the", Sampling.greedy(1_000_000)),
                text -> model.close());
        GenerationException e = assertThrows(GenerationException.class, generation::await);
        assertEquals("llamacpp.model.unloaded", e.code());
        assertFalse(model.process().isAlive());
    }

    @Test
    void stoppingTheBackendEndsItsGenerations() throws Exception {
        LlamaCppModel model = load(tinyLong, LoadOptions.defaults().withContextLength(LONG_CONTEXT));
        CountDownLatch started = new CountDownLatch(3);
        Generation generation = model.generate(GenerationRequest.completion("the", Sampling.greedy(1_000_000)),
                text -> started.countDown());
        assertTrue(started.await(60, TimeUnit.SECONDS));
        ProcessHandle process = model.process();
        backend.deactivate();
        GenerationException e = assertThrows(GenerationException.class, generation::await);
        assertEquals("llamacpp.model.backend.stopped", e.code());
        assertFalse(process.isAlive());
        ModelLoadException refused = assertThrows(ModelLoadException.class,
                () -> backend.load(backend.describe(tiny).orElseThrow(), LoadOptions.defaults()));
        assertEquals("llamacpp.backend.stopped", refused.code());
    }

    @Test
    void embeddingsWhenLoadedForThem() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(128).withEmbeddings(true));
        assertTrue(model.supportsEmbeddings());
        List<float[]> vectors = model.embed(List.of("the cat sat", "a dog ran", "the cat sat"));
        assertEquals(3, vectors.size());
        for (float[] vector : vectors) {
            assertEquals(128, vector.length);
            for (float value : vector) {
                assertTrue(Float.isFinite(value));
            }
        }
        assertArrayEquals(vectors.get(0), vectors.get(2));
        assertFalse(java.util.Arrays.equals(vectors.get(0), vectors.get(1)));
        // a model loaded for embeddings still generates
        assertEquals(3, model.generate(GenerationRequest.completion("the", Sampling.greedy(3)), null).await()
                .generatedTokens());

        LlamaCppModel plain = load(tiny, LoadOptions.defaults().withContextLength(128));
        assertFalse(plain.supportsEmbeddings());
        GenerationException e = assertThrows(GenerationException.class, () -> plain.embed(List.of("x")));
        assertEquals("llamacpp.embeddings.disabled", e.code());
    }

    @Test
    void aWorkerThatDiesWhileStartingIsALoadErrorWithItsLastWords() throws Exception {
        LlamaCppBackend starved = newBackend(TestConfig.with(Map.of("workerJvmOptions", "-Xmx1k")));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> starved.load(starved.describe(tiny).orElseThrow(), LoadOptions.defaults()));
        assertEquals("llamacpp.load.died", e.code());
        assertTrue(e.getMessage().contains("(exit code 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("llamacpp-tiny.gguf.log"), e.getMessage());
        assertFalse(e.getMessage().contains("heap"), "no log lines in a user's error: " + e.getMessage());
        assertTrue(Files.readString(home.resolve("logs/llamacpp-tiny.gguf.log")).contains("heap")); // the JVM's own words
        // the platform goes on: a backend with sound settings loads the model
        LlamaCppModel sound = load(tiny, LoadOptions.defaults().withContextLength(128));
        assertEquals(2, sound.generate(GenerationRequest.completion("the", Sampling.greedy(2)), null).await()
                .generatedTokens());
    }

    @Test
    void aFileLlamaCppRefusesIsALoadErrorWithItsReason() {
        Path unknown = home.resolve("unknown-arch.gguf");
        try {
            TinyLlama.unitTest().weightType(TensorType.Q8_0).build().toWriter()
                    .putString("general.architecture", "terroir-unknown").write(unknown);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<Long> before = children();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> load(unknown, LoadOptions.defaults().withContextLength(128)));
        // refused in Java, from the engine's list of architectures, before any process starts
        assertEquals("llamacpp.architecture", e.code());
        assertTrue(e.getMessage().contains("terroir-unknown"), e.getMessage());
        assertTrue(backend.models().isEmpty());
        assertEquals(before, children());
    }

    @Test
    void aUserSuppliedLibraryIsUsedOrRefusedButNeverIgnored() throws Exception {
        Path good = Files.createDirectories(home.resolve("libjllama-good"));
        try (var jar = new java.util.jar.JarFile(TestBundle.LLAMA_JAR.toFile())) {
            var entry = jar.getEntry("de/kherud/llama/Linux/x86_64/libjllama.so");
            Files.copy(jar.getInputStream(entry), good.resolve("libjllama.so"));
        }
        LlamaCppBackend custom = new LlamaCppBackend(TestConfig.with(Map.of("libraryPath", good.toString())), home,
                new BundleWorkerClasspath(TestBundle.create(1L), home.resolve("cache/llamacpp")));
        try {
            LoadedModel model = custom.load(custom.describe(tiny).orElseThrow(),
                    LoadOptions.defaults().withContextLength(128));
            assertEquals(2, model.generate(GenerationRequest.completion("the", Sampling.greedy(2)), null).await()
                    .generatedTokens());
        } finally {
            custom.deactivate();
        }

        Path broken = Files.createDirectories(home.resolve("libjllama-broken"));
        Files.writeString(broken.resolve("libjllama.so"), "not a library");
        LlamaCppBackend misled = new LlamaCppBackend(TestConfig.with(Map.of("libraryPath", broken.toString())), home,
                new BundleWorkerClasspath(TestBundle.create(1L), home.resolve("cache/llamacpp")));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> misled.load(misled.describe(tiny).orElseThrow(), LoadOptions.defaults()));
        assertEquals("llamacpp.load.failed", e.code());
        assertTrue(e.getMessage().contains(broken.resolve("libjllama.so").toString()), e.getMessage());
        assertTrue(misled.models().isEmpty());
    }

    @Test
    void tokenizesWithTheModelsVocabulary() {
        LlamaCppModel model = load(tiny, LoadOptions.defaults().withContextLength(128));
        int[] ids = model.tokenize("the cat sat on the mat");
        assertTrue(ids.length > 0);
        for (int id : ids) {
            assertTrue(id >= 0 && id < 1024);
        }
        assertNotEquals(0, ids[0]);
        assertArrayEquals(ids, model.tokenize("the cat sat on the mat"));
    }

    @Test
    void theWorkerRunsFromJarsTakenOutOfTheBundle() throws Exception {
        BundleWorkerClasspath classpath = new BundleWorkerClasspath(TestBundle.create(2L), home.resolve("cache/llamacpp"));
        List<Path> jars = classpath.jars();
        assertEquals(List.of("worker.jar", "llama.jar"),
                jars.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        assertTrue(jars.get(0).getParent().getFileName().toString().endsWith("-2"));
        try (var worker = new java.util.jar.JarFile(jars.get(0).toFile())) {
            assertTrue(worker.getEntry("org/terroir/backend/llamacpp/worker/WorkerMain.class") != null);
            assertTrue(worker.getEntry("org/terroir/backend/llamacpp/protocol/Message.class") != null);
            assertTrue(worker.stream().noneMatch(e -> e.getName().contains("/internal/")));
        }
        // the bundled native library, taken out once for every worker
        Path nativeFolder = classpath.nativeLibraryFolder().orElseThrow();
        assertTrue(Files.size(nativeFolder.resolve(System.mapLibraryName("jllama"))) > 1_000_000);
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}

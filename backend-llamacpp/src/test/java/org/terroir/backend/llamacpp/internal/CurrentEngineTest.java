package org.terroir.backend.llamacpp.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelLoadException;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.Architecture;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

/** What only today's llama.cpp does: new architectures, parallel sequences, Jinja templates, the classic fallback. */
class CurrentEngineTest {
    @TempDir
    Path home;
    LlamaCppBackend current;
    LlamaCppBackend classic;

    @BeforeEach
    void start() {
        current = backend(Engine.CURRENT, TestConfig.defaults());
        classic = backend(Engine.CLASSIC, TestConfig.defaults());
    }

    @AfterEach
    void stop() {
        current.deactivate();
        classic.deactivate();
    }

    private LlamaCppBackend backend(Engine engine, LlamaCppConfig config) {
        return new LlamaCppBackend(engine, config, home,
                new BundleWorkerClasspath(TestBundle.create(1L), home.resolve("cache/llamacpp")));
    }

    private Path write(TinyLlama model, String name) {
        Path file = home.resolve(name);
        model.write(file);
        return file;
    }

    private LoadedModel load(LlamaCppBackend backend, Path file, LoadOptions options) {
        ModelDescriptor d = backend.describe(file).orElseThrow();
        return backend.load(d, options);
    }

    @Test
    void todaysEngineTellsHowFarAlongItsLoadIsAndTheClassicOneDoesNot() {
        // no mmap: the weights are read while loading, tensor by tensor
        Path file = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).build(), "p.gguf");
        List<Double> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ModelDescriptor d = current.describe(file).orElseThrow();
        LoadedModel model = current.load(d, LoadOptions.defaults().withContextLength(256).withMmap(false), seen::add);
        assertTrue(seen.size() >= 2, "progress told: " + seen);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) > seen.get(i - 1), "in order, each value once: " + seen);
        }
        assertTrue(seen.get(0) >= 0 && seen.get(seen.size() - 1) == 1.0, seen.toString());
        int before = seen.size();
        assertEquals(3, model.generate(GenerationRequest.completion("the", Sampling.greedy(3)), null).await()
                .generatedTokens());
        assertEquals(before, seen.size(), "nothing told after the load");

        List<Double> classicSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
        classic.load(classic.describe(file).orElseThrow(), LoadOptions.defaults().withContextLength(256),
                classicSeen::add);
        assertTrue(classicSeen.isEmpty(), classicSeen.toString());
    }

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"QWEN3", "QWEN3MOE", "GEMMA3", "GEMMA4", "GRANITE", "SMOLLM3"})
    void todaysArchitecturesLoadAndStream(Architecture architecture) {
        Path file = write(TinyLlama.unitTest(architecture).weightType(TensorType.Q8_0).build(),
                architecture.ggufName() + ".gguf");
        ModelDescriptor d = current.describe(file).orElseThrow();
        assertTrue(current.supports(d));
        LoadedModel model = current.load(d, LoadOptions.defaults().withContextLength(256));
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        GenerationStats stats = model.generate(GenerationRequest.chat(List.of(ChatMessage.user("bonjour, ça va ?")),
                Sampling.greedy(10)), pieces::add).await();
        assertEquals(10, stats.generatedTokens());
        assertEquals(FinishReason.LENGTH, stats.finishReason());
        assertEquals(String.join("", pieces), stats.text());
        assertTrue(model.descriptor().property(ModelDescriptor.ENGINE).startsWith("llama.cpp v0.4.0"));
        assertEquals("CPU", model.descriptor().property(ModelDescriptor.DEVICE));
    }

    @Test
    void theClassicEngineRefusesQwen3AndNamesTheEngineThatLoadsIt() {
        Path file = write(TinyLlama.unitTest(Architecture.QWEN3).weightType(TensorType.Q8_0).build(), "q.gguf");
        ModelDescriptor d = classic.describe(file).orElseThrow();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> classic.load(d, LoadOptions.defaults().withContextLength(128)));
        assertEquals("llamacpp.architecture.classic", e.code());
        assertTrue(e.getMessage().contains("qwen3"), e.getMessage());
        assertTrue(e.getMessage().contains("llama.cpp v0.4.0"), e.getMessage());
        // and the runtime's choice: the current engine supports it, ranked above the classic one
        assertTrue(current.supports(d));
        // with engine=classic today's engine no longer takes what the classic one loads, and explains the rest
        LlamaCppBackend forcedClassic = backend(Engine.CURRENT, TestConfig.with(Map.of("engine", "classic")));
        Path llama = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).build(), "l.gguf");
        assertFalse(forcedClassic.supports(forcedClassic.describe(llama).orElseThrow()));
        assertTrue(classic.supports(classic.describe(llama).orElseThrow()));
        assertFalse(classic.supports(d));
        ModelLoadException chosen = assertThrows(ModelLoadException.class,
                () -> forcedClassic.load(d, LoadOptions.defaults().withContextLength(128)));
        assertEquals("llamacpp.engine.classic", chosen.code());
        assertTrue(chosen.getMessage().contains("engine=auto"), chosen.getMessage());
    }

    @Test
    void aMissingPackIsSaidPlainly() {
        LlamaCppBackend nowhere = backend(Engine.CURRENT, TestConfig.with(Map.of("enginePacks",
                home.resolve("no-packs").toString())));
        Path file = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).build(), "t.gguf");
        ModelDescriptor d = nowhere.describe(file).orElseThrow();
        assertFalse(nowhere.supports(d));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> nowhere.load(d, LoadOptions.defaults()));
        assertEquals("llamacpp.engine.unavailable", e.code());
        assertTrue(e.getMessage().contains("no-packs"), e.getMessage());
    }

    @Test
    void twoStreamsOnOneModelProgressTogether() throws Exception {
        Path file = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).contextLength(4096).build(), "long.gguf");
        LoadedModel model = load(current, file, LoadOptions.defaults().withContextLength(4096));
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Generation a = model.generate(GenerationRequest.completion("the cat", Sampling.greedy(120)),
                t -> order.add("a"));
        Generation b = model.generate(GenerationRequest.completion("a dog ran", Sampling.greedy(120)),
                t -> order.add("b"));
        GenerationStats sa = a.await();
        GenerationStats sb = b.await();
        assertEquals(120, sa.generatedTokens());
        assertEquals(120, sb.generatedTokens());
        List<String> seen;
        synchronized (order) {
            seen = new ArrayList<>(order);
        }
        // interleaved: each stream had pieces before the other's last one
        assertTrue(seen.indexOf("b") < seen.lastIndexOf("a"), "b waited for a");
        assertTrue(seen.indexOf("a") < seen.lastIndexOf("b"), "a waited for b");
        // (Greedy answers decoded in one batch may differ from one stream's after many tokens: batched kernels
        // round differently, as in llama-server. The streams' counts and order are what is checked.)
    }

    @Test
    void cancellingDuringThePromptEndsAtOnceWithNothingGenerated() throws Exception {
        Path file = write(TinyLlama.small().weightType(TensorType.Q8_0).contextLength(16384).build(), "small.gguf");
        LoadedModel model = load(current, file, LoadOptions.defaults().withContextLength(16384));
        String prompt = "the cat sat on the mat and looked at the dog ".repeat(1200);
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        Generation g = model.generate(GenerationRequest.completion(prompt, Sampling.greedy(50)), pieces::add);
        Thread.sleep(300);
        g.cancel();
        GenerationStats stats = g.await();
        assertEquals(FinishReason.CANCELLED, stats.finishReason());
        assertEquals(0, stats.generatedTokens());
        assertTrue(pieces.isEmpty());
        // the model goes on serving
        assertEquals(4, model.generate(GenerationRequest.completion("the", Sampling.greedy(4)), null).await()
                .generatedTokens());
    }

    @Test
    void theModelsOwnJinjaTemplateIsRendered() {
        // A template no built-in heuristic knows: llama.cpp alone could not format it.
        String template = "{%- for m in messages -%}[{{ m.role | upper }}]{{ m.content | trim }}\n{% endfor -%}"
                + "{%- if add_generation_prompt %}[ASSISTANT]{% endif %}";
        Path file = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).chatTemplate(template).build(), "j.gguf");
        LoadedModel model = load(current, file, LoadOptions.defaults().withContextLength(256));
        GenerationStats chat = model.generate(GenerationRequest.chat(List.of(ChatMessage.user("  le chat  ")),
                Sampling.greedy(6)), null).await();
        GenerationStats byHand = model.generate(GenerationRequest.completion("[USER]le chat\n[ASSISTANT]",
                Sampling.greedy(6)), null).await();
        assertEquals(byHand.promptTokens(), chat.promptTokens());
        assertEquals(byHand.text(), chat.text());

        // The classic engine knows no built-in template like it, and llama.cpp would abort on a supplied one it
        // does not recognize: the worker keeps the model's own, says so in its log, and the model completes.
        LoadedModel old = load(classic, file, LoadOptions.defaults().withContextLength(256));
        assertEquals(6, old.generate(GenerationRequest.completion("[USER]le chat\n[ASSISTANT]", Sampling.greedy(6)),
                null).await().generatedTokens());
        String log = assertDoesNotThrow(() -> Files.readString(home.resolve("logs/llamacpp-j.gguf.log")));
        assertTrue(log.contains("loads it as it is"), log);
    }

    @Test
    void aHostileTemplateFailsFastAndTheBuiltInOneServes() throws IOException {
        String hostile = "{% for i in range(3000) %}{% for j in range(3000) %}{{ i }}{% endfor %}{% endfor %}"
                + "<|im_start|>";
        Path file = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).chatTemplate(hostile).build(), "h.gguf");
        LoadedModel model = load(current, file, LoadOptions.defaults().withContextLength(256));
        long start = System.nanoTime();
        GenerationStats stats = model.generate(GenerationRequest.chat(List.of(ChatMessage.user("hi")),
                Sampling.greedy(3)), null).await();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(3, stats.generatedTokens());
        assertTrue(seconds < 30, seconds + " s");
        String log = Files.readString(home.resolve("logs/llamacpp-h.gguf.log"));
        assertTrue(log.contains("built-in template"), log);

        // The classic engine formats chats with llama.cpp's built-in templates, picked by the markers in the
        // template's text. llama.cpp b4916 also test-renders the model's template while loading, with its unbounded
        // C++ renderer: ≈ 215 s on this one until the worker handed it a defused copy (LlamaSession.defused). The
        // bound is a hang guard, ten times the load of a sane template, not a speed measure.
        long load2 = System.nanoTime();
        LoadedModel old = load(classic, file, LoadOptions.defaults().withContextLength(256));
        long loadSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - load2);
        assertTrue(loadSeconds < 60, "the classic engine's load took " + loadSeconds + " s");
        long start2 = System.nanoTime();
        assertEquals(3, old.generate(GenerationRequest.chat(List.of(ChatMessage.user("hi")), Sampling.greedy(3)), null)
                .await().generatedTokens());
        long seconds2 = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start2);
        assertTrue(seconds2 < 30, seconds2 + " s");
    }

    @Test
    void aGpuPackWithoutItsDriverRunsOnTheCpuAndSaysWhy() throws IOException {
        Path vulkan = Path.of(System.getProperty("terroir.test.engines", "target/test-engines"))
                .resolve("linux-x64-vulkan");
        Assumptions.assumeTrue(Files.isDirectory(vulkan), "the Vulkan pack was not fetched (terroir.skip.gpu.pack.test)");
        Assumptions.assumeFalse(gpuDriverPresent(), "this machine has a Vulkan loader: nothing to fall back from");
        Path engines = Files.createDirectories(home.resolve("engines"));
        Files.createSymbolicLink(engines.resolve("linux-x64-vulkan"), vulkan.toAbsolutePath());
        Files.createSymbolicLink(engines.resolve("java"), Path.of(System.getProperty("terroir.engines",
                "target/engines")).resolve("java").toAbsolutePath());
        LlamaCppBackend gpu = backend(Engine.CURRENT, TestConfig.with(Map.of("enginePacks", engines.toString())));
        try {
            // auto prefers the GPU pack when one is installed
            assertEquals(vulkan.getFileName(), gpu.pack().pack().orElseThrow().getFileName());
            Path file = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).build(), "v.gguf");
            LoadedModel model = load(gpu, file, LoadOptions.defaults().withContextLength(128));
            assertEquals(3, model.generate(GenerationRequest.completion("the", Sampling.greedy(3)), null).await()
                    .generatedTokens());
            assertEquals("CPU", model.descriptor().property(ModelDescriptor.DEVICE));
            String notice = model.descriptor().property("notice");
            assertTrue(notice != null && notice.contains("Vulkan") && notice.contains("CPU"), String.valueOf(notice));
            String log = Files.readString(home.resolve("logs/llamacpp-v.gguf.log"));
            assertEquals(1, log.lines().filter(l -> l.contains("engine pack runs on the CPU")).count(), log);
        } finally {
            gpu.deactivate();
        }
    }

    private static boolean gpuDriverPresent() {
        return Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libvulkan.so.1"))
                || Files.exists(Path.of("/usr/lib64/libvulkan.so.1"));
    }

    @Test
    void theNextTurnReusesTheCachedConversation() {
        Path file = write(TinyLlama.unitTest().weightType(TensorType.Q8_0).build(), "c.gguf");
        LlamaCppModel model = (LlamaCppModel) load(current, file, LoadOptions.defaults().withContextLength(512));
        List<ChatMessage> first = List.of(ChatMessage.system("Be brief."), ChatMessage.user("the cat sat"));
        GenerationStats one = model.generate(GenerationRequest.chat(first, Sampling.greedy(8)), null).await();
        List<ChatMessage> second = new ArrayList<>(first);
        second.add(ChatMessage.assistant(one.text()));
        second.add(ChatMessage.user("and then?"));
        GenerationStats two = model.generate(GenerationRequest.chat(second, Sampling.greedy(8)), null).await();
        assertTrue(model.lastCachedTokens() > one.promptTokens() / 2,
                model.lastCachedTokens() + " of " + two.promptTokens());
        // the same answer as a model that reuses nothing
        LlamaCppModel fresh = (LlamaCppModel) load(current, write(TinyLlama.unitTest().weightType(TensorType.Q8_0)
                .build(), "c2.gguf"), LoadOptions.defaults().withContextLength(512));
        assertEquals(two.text(), fresh.generate(GenerationRequest.chat(second, Sampling.greedy(8)), null).await()
                .text());
    }
}

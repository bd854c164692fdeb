package org.terroir.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.osgi.framework.Bundle;
import org.terroir.api.InvalidModelException;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.MalformedGguf;
import org.terroir.testkit.gguf.TinyLlama;

/**
 * The platform foundation end to end: the assembled bundles in a real Felix, a generated model run by real llama.cpp
 * in its worker process, and everything that can go wrong around it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FoundationIT {
    private static final String BACKEND = "org.terroir.backend-llamacpp";
    private static final LoadOptions SMALL = LoadOptions.defaults().withContextLength(256).withThreads(2);

    @TempDir
    static Path dir;
    static PlatformFixture fixture;
    static Path model;

    @BeforeAll
    static void boot() throws Exception {
        fixture = PlatformFixture.start(dir.resolve("home"));
        model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        assertTrue(PlatformFixture.workers().isEmpty(), "stopping the platform ends every worker process");
    }

    private static Sampling longAnswer() {
        // Tiny random models may emit an end token at any time; a fixed seed and temperature keep it going.
        return Sampling.greedy(4000).withTemperature(1.0f).withSeed(7L);
    }

    @Test
    @Order(1)
    void everyBundleIsActive() throws InterruptedException {
        for (Bundle bundle : fixture.platform.context().getBundles()) {
            assertEquals(Bundle.ACTIVE, bundle.getState(), () -> bundle.getSymbolicName() + " is not active");
        }
        assertTrue(Await.until(() -> fixture.models().backends().stream().anyMatch(b -> b.id().equals("llamacpp"))));
    }

    @Test
    @Order(2)
    void shellLoadsAModelAndStreamsAnAnswer() {
        PlatformFixture.Result inspect = fixture.shell("inspect " + model);
        assertEquals(0, inspect.status(), inspect.err());
        assertTrue(inspect.out().contains("llama"), inspect.out());
        assertTrue(inspect.out().contains("Chat template:  yes"), inspect.out());

        PlatformFixture.Result run = fixture.shell("load --ctx 256 --threads 2 " + model
                + "; ask -n 12 -t 0 --seed 1 \"Bonjour, comment vas-tu ?\"; ps");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("Loaded tiny on llamacpp"), run.out());
        assertTrue(run.out().contains(" tokens, "), "a stats line follows the answer: " + run.out());
        assertTrue(run.out().contains("tiny"), run.out());
        assertEquals(1, PlatformFixture.workers().size(), "one worker process per loaded model");
    }

    @Test
    @Order(3)
    void tokensStreamOneByOneWithStatistics() {
        LoadedModel loaded = fixture.models().load(model.toString(), SMALL);
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        GenerationStats stats = loaded.generate(GenerationRequest.chat(List.of(ChatMessage.user("Say something")),
                Sampling.greedy(16).withTemperature(1.0f).withSeed(3L)), pieces::add).await();
        assertTrue(stats.generatedTokens() > 0);
        assertEquals(String.join("", pieces), stats.text());
        assertTrue(pieces.size() > 1, "tokens arrive as they are generated, not in one block");
        assertTrue(stats.promptTokens() > 3, "the chat template wraps the prompt");
        assertTrue(stats.timeToFirstTokenMs() > 0);
        assertTrue(stats.finishReason() == FinishReason.LENGTH || stats.finishReason() == FinishReason.STOP);
    }

    @Test
    @Order(4)
    void cancellingStopsTheStream() throws Exception {
        LoadedModel loaded = fixture.models().load(model.toString(), SMALL);
        CountDownLatch started = new CountDownLatch(3);
        AtomicInteger afterCancel = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        Generation generation = loaded.generate(GenerationRequest.completion("Once upon a time", longAnswer()),
                text -> {
                    if (cancelled.get()) {
                        afterCancel.incrementAndGet();
                    }
                    started.countDown();
                });
        assertTrue(started.await(60, TimeUnit.SECONDS));
        cancelled.set(true);
        generation.cancel();
        GenerationStats stats = generation.result().get(30, TimeUnit.SECONDS);
        assertEquals(FinishReason.CANCELLED, stats.finishReason());
        assertTrue(stats.generatedTokens() < 4000);
        // Tokens already on their way when the cancel left may still arrive (this tiny model makes thousands a
        // second, and on two busy cores the cancel may take tens of milliseconds to reach the worker), but the
        // stream stops far short of the 4000 the sampling allows, and nothing comes after the end.
        assertTrue(afterCancel.get() < 1000, "the stream stops soon after cancel: " + afterCancel);
        int atEnd = afterCancel.get();
        Thread.sleep(200);
        assertEquals(atEnd, afterCancel.get(), "no token after the generation ended");
    }

    @Test
    @Order(5)
    void unloadEndsTheWorkerProcess() throws Exception {
        ModelManager models = fixture.models();
        models.load(model.toString(), SMALL);
        List<ProcessHandle> workers = PlatformFixture.workers();
        assertEquals(1, workers.size());
        assertTrue(models.unload("tiny"));
        workers.get(0).onExit().get(30, TimeUnit.SECONDS);
        assertFalse(workers.get(0).isAlive());
        assertTrue(models.loaded().isEmpty());
    }

    @Test
    @Order(6)
    void aKilledWorkerIsAClearErrorAndTheModelLoadsAgain() throws Exception {
        ModelManager models = fixture.models();
        LoadedModel loaded = models.load(model.toString(), SMALL);
        CountDownLatch streaming = new CountDownLatch(2);
        Generation generation = loaded.generate(GenerationRequest.completion("Once", longAnswer()),
                text -> streaming.countDown());
        assertTrue(streaming.await(60, TimeUnit.SECONDS));
        ProcessHandle worker = PlatformFixture.workers().get(0);
        new ProcessBuilder("kill", "-9", Long.toString(worker.pid())).start().waitFor();

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> generation.result().get(30, TimeUnit.SECONDS));
        GenerationException error = assertInstanceOf(GenerationException.class, failure.getCause());
        assertTrue(error.getMessage().contains("stopped unexpectedly"), error.getMessage());
        assertTrue(error.getMessage().contains("exit code"), error.getMessage());
        assertFalse(loaded.isAlive());

        LoadedModel again = models.load(model.toString(), SMALL);
        assertTrue(again.isAlive());
        assertTrue(again.generate(GenerationRequest.completion("Hello", Sampling.greedy(4)), text -> { })
                .await().generatedTokens() > 0);
    }

    @Test
    @Order(7)
    void stoppingTheBackendEndsItsGenerationAndStartingItAgainWorks() throws Exception {
        ModelManager models = fixture.models();
        LoadedModel loaded = models.load(model.toString(), SMALL);
        CountDownLatch streaming = new CountDownLatch(2);
        Generation generation = loaded.generate(GenerationRequest.completion("Once", longAnswer()),
                text -> streaming.countDown());
        assertTrue(streaming.await(60, TimeUnit.SECONDS));

        Bundle backend = fixture.bundle(BACKEND);
        backend.stop();
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> generation.result().get(30, TimeUnit.SECONDS));
        TerroirException error = assertInstanceOf(TerroirException.class, failure.getCause());
        assertTrue(error.getMessage().contains("stopped"), error.getMessage());
        assertTrue(models.loaded().isEmpty(), "the manager forgets the models of a backend that left");
        assertTrue(Await.until(() -> PlatformFixture.workers().isEmpty()), "its worker processes end");
        TerroirException noBackend = assertThrows(TerroirException.class, () -> models.load(model.toString(), SMALL));
        assertTrue(noBackend.getMessage().contains("recognises"), noBackend.getMessage());
        assertEquals(0, fixture.shell("backends").status(), "the platform still serves");

        backend.start();
        assertTrue(Await.until(() -> fixture.models().backends().stream().anyMatch(b -> b.id().equals("llamacpp"))));
        LoadedModel again = fixture.models().load(model.toString(), SMALL);
        assertTrue(again.generate(GenerationRequest.completion("Hello", Sampling.greedy(4)), text -> { })
                .await().generatedTokens() > 0);
    }

    @Test
    @Order(8)
    void updatingTheBackendBundleNeedsNoRestart() throws Exception {
        Bundle backend = fixture.bundle(BACKEND);
        long before = backend.getLastModified();
        backend.update();
        assertEquals(Bundle.ACTIVE, backend.getState());
        assertTrue(backend.getLastModified() >= before);
        assertTrue(Await.until(() -> fixture.models().backends().stream().anyMatch(b -> b.id().equals("llamacpp"))));
        LoadedModel loaded = fixture.models().load(model.toString(), SMALL);
        assertTrue(loaded.generate(GenerationRequest.completion("Hello", Sampling.greedy(4)), text -> { })
                .await().generatedTokens() > 0);
        fixture.models().unloadAll();
    }

    @ParameterizedTest
    @EnumSource(MalformedGguf.Defect.class)
    @Order(9)
    void malformedFilesAreClearErrorsAndNeverReachAWorker(MalformedGguf.Defect defect) throws Exception {
        fixture.models().unloadAll();
        MalformedGguf.Malformed bad = MalformedGguf.write(defect, dir.resolve("bad-" + defect + ".gguf"));
        InvalidModelException error = assertThrows(InvalidModelException.class,
                () -> fixture.models().load(bad.file().toString(), SMALL));
        assertTrue(error.code().startsWith("gguf."), error.code());
        assertFalse(error.getMessage().isBlank());
        assertTrue(PlatformFixture.workers().isEmpty(), "no worker process started for a bad file");

        PlatformFixture.Result shell = fixture.shell("load " + bad.file());
        assertEquals(1, shell.status());
        assertEquals(error.getMessage(), shell.err().strip(), "the shell shows the message alone, no stack trace");
    }

    @Test
    @Order(10)
    void ctrlCInTheTerminalDoesNotKillTheWorker() throws Exception {
        // A terminal sends SIGINT to its whole foreground process group, the model's worker included.
        LoadedModel loaded = fixture.models().load(model.toString(), SMALL);
        CountDownLatch streaming = new CountDownLatch(2);
        Generation generation = loaded.generate(GenerationRequest.completion("Once",
                Sampling.greedy(200).withTemperature(1.0f).withSeed(9L)), text -> streaming.countDown());
        assertTrue(streaming.await(60, TimeUnit.SECONDS));
        ProcessHandle worker = PlatformFixture.workers().get(0);
        new ProcessBuilder("kill", "-INT", Long.toString(worker.pid())).start().waitFor();
        GenerationStats stats = generation.result().get(60, TimeUnit.SECONDS);
        assertTrue(stats.generatedTokens() > 0);
        // Time for a JVM that did not ignore the signal to finish dying.
        assertTrue(worker.onExit().completeOnTimeout(null, 500, TimeUnit.MILLISECONDS).get() == null,
                "the worker ignores SIGINT");
        assertTrue(worker.isAlive());
        assertTrue(loaded.isAlive());
        fixture.models().unloadAll();
    }
}

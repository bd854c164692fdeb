package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.Architecture;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

/**
 * Today's llama.cpp in the assembled platform: tiny qwen3, qwen3moe and gemma3 models load on it by default and
 * answer through the shell and the OpenAI API; the engine setting switches new loads to the classic engine while a
 * model on today's engine goes on streaming. (The shell side: {@code EngineShellIT}.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineIT {
    private static final LoadOptions SMALL = LoadOptions.defaults().withContextLength(256).withThreads(2);

    @TempDir
    static Path dir;
    static WebPlatform web;
    static OpenAIClient client;

    @BeforeAll
    static void boot() throws Exception {
        web = WebPlatform.start(dir.resolve("home"));
        client = web.openAi();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close(); // its clients too
        }
    }

    private static Path model(Architecture architecture) {
        Path file = dir.resolve("tiny-" + architecture.ggufName() + ".gguf");
        if (!Files.exists(file)) {
            TinyLlama.unitTest(architecture).weightType(TensorType.Q8_0).tiedOutput(false).build().write(file);
        }
        return file;
    }

    @Test
    @Order(1)
    void newArchitecturesLoadOnTodaysEngineAndAnswerOverTheApi() {
        for (Architecture architecture : new Architecture[] {Architecture.QWEN3, Architecture.QWEN3MOE,
                Architecture.GEMMA3}) {
            LoadedModel loaded = web.models().load(model(architecture).toString(), SMALL);
            assertEquals("llamacpp", loaded.backendId(), architecture + " runs on today's engine by default");
            assertTrue(loaded.descriptor().property(ModelDescriptor.ENGINE).startsWith("llama.cpp v0.4.0"));
            String id = "tiny-" + architecture.ggufName();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(id)
                    .addUserMessage("Bonjour !").maxCompletionTokens(8).temperature(0.0).build();
            ChatCompletion whole = client.chat().completions().create(params);
            assertEquals("length", whole.choices().get(0).finishReason().asString());
            assertEquals(8, whole.usage().orElseThrow().completionTokens());
            StringBuilder streamed = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(
                        c -> c.delta().content().ifPresent(streamed::append)));
            }
            assertEquals(whole.choices().get(0).message().content().orElse(""), streamed.toString());
        }
    }

    @Test
    @Order(2)
    void switchingToTheClassicEngineLeavesAStreamingModelAlone() throws Exception {
        Path first = dir.resolve("stream.gguf");
        TinyLlama.unitTest().weightType(TensorType.Q8_0).contextLength(4096).build().write(first);
        LoadedModel streaming = web.models().load(first.toString(), SMALL.withContextLength(4096));
        assertEquals("llamacpp", streaming.backendId());
        CountDownLatch started = new CountDownLatch(3);
        Generation generation = streaming.generate(GenerationRequest.completion("the", Sampling.greedy(1500)),
                t -> started.countDown());
        assertTrue(started.await(60, TimeUnit.SECONDS));

        Path conf = dir.resolve("home/conf/org.terroir.backend.llamacpp.cfg");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "engine=classic\n");
        try {
            Path second = dir.resolve("second.gguf");
            TinyLlama.unitTest().weightType(TensorType.Q8_0).build().write(second);
            LoadedModel classic = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                classic = web.models().load(second.toString(), SMALL);
                if (classic.backendId().equals("llamacpp-classic")) {
                    break;
                }
                Path loadedPath = classic.descriptor().path();
                web.models().loaded().stream().filter(i -> i.descriptor().path().equals(loadedPath)).findFirst()
                        .ifPresent(i -> web.models().unload(i.id()));
                Thread.sleep(500);
            }
            assertEquals("llamacpp-classic", classic.backendId(), "the setting reached the backend");
            assertEquals(4, classic.generate(GenerationRequest.completion("the", Sampling.greedy(4)), null).await()
                    .generatedTokens());
            GenerationStats stats = generation.await();
            assertEquals(FinishReason.LENGTH, stats.finishReason());
            assertEquals(1500, stats.generatedTokens());
        } finally {
            Files.delete(conf);
        }
    }
}

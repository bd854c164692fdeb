package org.terroir.backend.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.ResponseFormat;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.ToolChoice;
import org.terroir.api.inference.ToolDefinition;
import org.terroir.lib.onnxruntime.HfTokenizer;
import org.terroir.testkit.onnx.TinyDecoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

class TinyDecoderTest {
    static final String PROMPT = "the old wine of the terroir is";
    static final TinyDecoder MODEL = TinyDecoder.small();

    @TempDir
    static Path dir;
    static Path folder;
    static OnnxBackend backend;
    static LoadedModel loaded;

    @BeforeAll
    static void load() {
        folder = MODEL.writeTo(dir.resolve("tiny-decoder"));
        backend = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(1));
        ModelDescriptor d = backend.describe(folder).orElseThrow();
        loaded = backend.load(d, LoadOptions.defaults());
    }

    @AfterAll
    static void unload() {
        loaded.close();
        assertEquals(0, backend.loadedCount());
    }

    @Test
    void describesTheFolder() {
        ModelDescriptor d = backend.describe(folder).orElseThrow();
        assertEquals("tiny-decoder", d.name());
        assertEquals("terroir-tiny", d.property(ModelDescriptor.ARCHITECTURE));
        assertEquals("256", d.property(ModelDescriptor.CONTEXT_LENGTH));
        assertEquals(TinyDecoder.CHATML_TEMPLATE, d.property(ModelDescriptor.CHAT_TEMPLATE));
        assertEquals(256, loaded.contextLength());
        assertTrue(!loaded.supportsEmbeddings());
        assertThrows(TerroirException.class, () -> loaded.embed(List.of("x")));
    }

    @Test
    void toolsJsonFormatsAndLogprobsAreRefusedAsUnsupported() {
        GenerationRequest plain = GenerationRequest.chat(List.of(ChatMessage.user(PROMPT)), Sampling.greedy(2));
        ToolDefinition tool = new ToolDefinition("weather", "The weather", "{\"type\":\"object\"}");
        for (GenerationRequest request : List.of(plain.withTools(List.of(tool), ToolChoice.AUTO),
                plain.withResponseFormat(ResponseFormat.JSON_OBJECT), plain.withLogprobs(0))) {
            GenerationException e = assertThrows(GenerationException.class, () -> loaded.generate(request, null).await());
            assertEquals(ErrorKind.UNSUPPORTED, e.kind());
            assertTrue(e.getMessage().contains("ONNX"), e.getMessage());
        }
        // tool_choice none: the tools are not used, the request runs
        assertEquals(2, loaded.generate(plain.withTools(List.of(tool), ToolChoice.NONE), null).await()
                .generatedTokens());
    }

    @Test
    void kvCachedGreedyEqualsFullRecomputeEachStep() throws Exception {
        int n = 40;
        List<Long> reference = referenceGreedy(PROMPT, n);
        assertTrue(reference.size() >= 10, "the tiny model should say something before its eos: " + reference);
        String expected;
        try (HfTokenizer tokenizer = HfTokenizer.open(folder.resolve("tokenizer.json"), 0)) {
            expected = tokenizer.decode(reference.stream().mapToLong(Long::longValue).toArray(), true);
        }
        StringBuilder streamed = new StringBuilder();
        GenerationStats stats = loaded.generate(GenerationRequest.completion(PROMPT, Sampling.greedy(n)),
                streamed::append).await();
        assertEquals(expected, stats.text());
        assertEquals(expected, streamed.toString());
        assertEquals(reference.size(), stats.generatedTokens());
        assertEquals(loaded.tokenize(PROMPT).length, stats.promptTokens());
        assertEquals(reference.size() == n ? FinishReason.LENGTH : FinishReason.STOP, stats.finishReason());
        assertTrue(stats.timeToFirstTokenMs() > 0 && stats.totalMs() >= stats.timeToFirstTokenMs());
    }

    /** Greedy decoding without a cache: the whole sequence again at every step, the past always empty. */
    static List<Long> referenceGreedy(String prompt, int n) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Long> sequence = new ArrayList<>();
        try (HfTokenizer tokenizer = HfTokenizer.open(folder.resolve("tokenizer.json"), 0);
                OrtSession session = env.createSession(folder.resolve("model.onnx").toString())) {
            for (long id : tokenizer.encode(prompt, true).ids()) {
                sequence.add(id);
            }
            int promptLength = sequence.size();
            int hd = MODEL.hiddenSize() / MODEL.heads();
            for (int step = 0; step < n; step++) {
                int t = sequence.size();
                long[] ids = sequence.stream().mapToLong(Long::longValue).toArray();
                long[] positions = new long[t];
                long[] mask = new long[t];
                for (int i = 0; i < t; i++) {
                    positions[i] = i;
                    mask[i] = 1;
                }
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, t}));
                in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, t}));
                in.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, t}));
                for (int l = 0; l < MODEL.layers(); l++) {
                    for (String part : List.of("key", "value")) {
                        in.put("past_key_values." + l + "." + part, OnnxTensor.createTensor(env,
                                FloatBuffer.allocate(0), new long[] {1, MODEL.heads(), 0, hd}));
                    }
                }
                int next;
                try (OrtSession.Result r = session.run(in)) {
                    FloatBuffer logits = ((OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer();
                    int v = TinyDecoder.vocabSize();
                    float[] last = new float[v];
                    logits.get((t - 1) * v, last);
                    next = Sampler.argmax(last);
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
                if (next == TinyDecoder.IM_END_ID || next == TinyDecoder.EOS_ID) {
                    break;
                }
                sequence.add((long) next);
            }
            return new ArrayList<>(sequence.subList(promptLength, sequence.size()));
        }
    }

    @Test
    void seededSamplingIsReproducible() {
        Sampling sampled = new Sampling(30, 0.9f, 20, 0.95f, 0.02f, 1.1f, 1234L, List.of());
        GenerationRequest request = GenerationRequest.completion(PROMPT, sampled);
        String first = loaded.generate(request, null).await().text();
        String second = loaded.generate(request, null).await().text();
        assertEquals(first, second);
        assertTrue(!first.isEmpty());
        // Over a few seeds sampling must not collapse to a single answer.
        java.util.Set<String> answers = new java.util.HashSet<>();
        for (long seed = 1; seed <= 5; seed++) {
            answers.add(loaded.generate(GenerationRequest.completion(PROMPT, sampled.withSeed(seed)), null).await().text());
        }
        assertTrue(answers.size() > 1, answers.toString());
    }

    @Test
    void cancellingStopsTheStream() throws InterruptedException {
        java.util.concurrent.CountDownLatch streaming = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
        Sampling endless = new Sampling(100_000, 0.8f, 0, 1f, 0f, 1f, 99L, List.of());
        Generation g = loaded.generate(GenerationRequest.completion(PROMPT, endless), text -> {
            streaming.countDown();
            if (streaming.getCount() == 0) {
                try {
                    cancelled.await(); // hold the stream until the cancel is in, whatever the machine's load
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertTrue(streaming.await(60, java.util.concurrent.TimeUnit.SECONDS), "three pieces streamed");
        g.cancel();
        cancelled.countDown();
        GenerationStats stats = g.await();
        assertEquals(FinishReason.CANCELLED, stats.finishReason());
        assertTrue(stats.generatedTokens() < loaded.contextLength() - 10, "stopped long before the context was full");
        // The model still works afterwards.
        assertEquals(FinishReason.LENGTH, loaded.generate(GenerationRequest.completion(PROMPT,
                new Sampling(5, 0.8f, 0, 1f, 0f, 1f, 5L, List.of())), null).await().finishReason());
    }

    @Test
    void stopStringsEndTheAnswerBeforeThem() {
        String full = loaded.generate(GenerationRequest.completion(PROMPT, Sampling.greedy(40)), null).await().text();
        String[] words = full.split(" ");
        assertTrue(words.length >= 4, full);
        String stop = words[2] + " " + words[3];
        StringBuilder streamed = new StringBuilder();
        GenerationStats stats = loaded.generate(GenerationRequest.completion(PROMPT,
                Sampling.greedy(40).withStop(List.of(stop))), streamed::append).await();
        assertEquals(FinishReason.STOP, stats.finishReason());
        assertEquals(full.substring(0, full.indexOf(stop)), stats.text());
        assertEquals(stats.text(), streamed.toString());
    }

    @Test
    void chatGoesThroughTheChatTemplate() {
        List<ChatMessage> chat = List.of(ChatMessage.system("one two"), ChatMessage.user("hello world"));
        String rendered = ChatFormat.of(TinyDecoder.CHATML_TEMPLATE).render(chat, null, "<|im_end|>");
        assertEquals("<|im_start|>system\none two<|im_end|>\n<|im_start|>user\nhello world<|im_end|>\n"
                + "<|im_start|>assistant\n", rendered);
        GenerationStats stats = loaded.generate(GenerationRequest.chat(chat, Sampling.greedy(8)), null).await();
        assertEquals(loaded.tokenize(rendered).length, stats.promptTokens());
    }

    @Test
    void closingFromAListenerEndsTheGenerationWithAClearError() throws InterruptedException {
        int before = backend.loadedCount();
        LoadedModel other = backend.load(backend.describe(folder).orElseThrow(), LoadOptions.defaults());
        // A generation that never produces text never calls its listener: its first draw can be an end token, even
        // greedily (ONNX Runtime's multi-threaded sums are not bit-for-bit repeatable, so a near tie can go either
        // way; CI saw it). Such a generation ends at once, and the next prompt is tried; the first that writes text
        // is closed by its listener.
        Sampling endless = Sampling.greedy(100_000);
        TerroirException e = null;
        for (String prompt : List.of(PROMPT, "once upon a time", "the river and the hills", "bread, wine and")) {
            Generation g = other.generate(GenerationRequest.completion(prompt, endless), text -> other.close());
            try {
                GenerationStats ended = g.await();
                assertEquals("", ended.text(), "a generation that wrote text was closed by its listener");
            } catch (TerroirException thrown) {
                e = thrown;
                break;
            }
        }
        assertNotNull(e, "closing from the listener ends the generation with an error");
        assertEquals("onnx.closed", e.code());
        assertTrue(!other.isAlive());
        // The session is freed on another thread once the generation has let go of it.
        for (int i = 0; i < 1000 && backend.loadedCount() != before; i++) {
            Thread.sleep(10);
        }
        assertEquals(before, backend.loadedCount());
    }

    @Test
    void closedModelsRefuseWork() {
        LoadedModel other = backend.load(backend.describe(folder).orElseThrow(), LoadOptions.defaults().withContextLength(64));
        assertEquals(64, other.contextLength());
        // A prompt longer than the context: the api's kind says so (the APIs answer it as a context-length error).
        TerroirException tooLong = assertThrows(TerroirException.class, () -> other.generate(
                GenerationRequest.completion(PROMPT.repeat(40), Sampling.greedy(3)), null).await());
        assertEquals("onnx.prompt.tooLong", tooLong.code());
        assertEquals(org.terroir.api.ErrorKind.PROMPT_TOO_LONG, tooLong.kind());
        other.close();
        assertTrue(!other.isAlive());
        TerroirException e = assertThrows(TerroirException.class, () -> other.generate(
                GenerationRequest.completion(PROMPT, Sampling.greedy(3)), null).await());
        assertEquals("onnx.closed", e.code());
        assertEquals(org.terroir.api.ErrorKind.BACKEND_GONE, e.kind());
    }
}

package org.terroir.backend.llamacpp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.ErrorKind;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.GenerationException;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.api.inference.TokenLogprob;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;
import org.terroir.testkit.gguf.TinyVocabulary;

/**
 * Log probabilities, logit bias and the presence/frequency penalties through the real worker and today's llama.cpp,
 * on a random-weight tiny model whose vocabulary is known (so that token ids can be named).
 */
class LogprobsAndBiasTest {
    @TempDir
    static Path home;
    static LlamaCppBackend backend;
    static LoadedModel model;
    static TinyVocabulary vocabulary;

    @BeforeAll
    static void load() {
        backend = new LlamaCppBackend(Engine.CURRENT, TestConfig.defaults(), home,
                new BundleWorkerClasspath(TestBundle.create(1L), home.resolve("cache/llamacpp")));
        TinyLlama tiny = TinyLlama.unitTest().tiedOutput(false).weightType(TensorType.Q8_0).contextLength(512).build();
        vocabulary = tiny.vocabulary();
        Path file = home.resolve("tiny.gguf");
        tiny.write(file);
        model = backend.load(backend.describe(file).orElseThrow(), LoadOptions.defaults().withContextLength(512));
    }

    @AfterAll
    static void stop() {
        backend.deactivate();
    }

    private static GenerationStats run(Sampling sampling, int logprobs) {
        return model.generate(GenerationRequest.completion("Hello the wine and the bread", sampling)
                .withLogprobs(logprobs), null).await();
    }

    /** The id of a token from its bytes (a word piece, with "▁" for the space, or a byte token). */
    private static int id(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).replace(" ", TinyVocabulary.SPACE);
        int id = vocabulary.tokens().indexOf(text);
        if (id < 0 && bytes.length == 1) {
            id = vocabulary.tokens().indexOf(String.format("<0x%02X>", bytes[0] & 0xff));
        }
        assertTrue(id >= 0, text);
        return id;
    }

    @Test
    void greedyTokensAreTheArgmaxOfSortedNonPositiveAlternatives() {
        GenerationStats stats = run(Sampling.greedy(24), 5);
        assertEquals(stats.generatedTokens(), stats.logprobs().size());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (TokenLogprob t : stats.logprobs()) {
            assertEquals(5, t.top().size(), t.token());
            double previous = 0;
            double mass = 0;
            for (TokenLogprob alt : t.top()) {
                assertTrue(alt.logprob() <= previous, "sorted, most likely first: " + t.top());
                assertTrue(alt.top().isEmpty());
                previous = alt.logprob();
                mass += Math.exp(alt.logprob());
            }
            assertTrue(mass <= 1 + 1e-5, "a distribution: " + mass);
            assertTrue(t.logprob() <= 0 && t.logprob() > Double.NEGATIVE_INFINITY, String.valueOf(t.logprob()));
            // temperature 0: the sampled token is the most likely one, with the same log probability
            assertArrayEquals(t.top().get(0).bytes(), t.bytes(), t.token() + " vs " + t.top());
            assertEquals(t.top().get(0).logprob(), t.logprob(), 1e-6);
            all.writeBytes(t.bytes());
        }
        // the tokens' bytes, end to end, are the answer
        assertEquals(stats.text(), all.toString(StandardCharsets.UTF_8));
    }

    @Test
    void logprobsZeroGivesNoAlternativesAndOffGivesNone() {
        GenerationStats zero = run(Sampling.greedy(6), 0);
        assertEquals(6, zero.logprobs().size());
        assertTrue(zero.logprobs().stream().allMatch(t -> t.top().isEmpty() && t.logprob() <= 0));
        GenerationStats twenty = run(Sampling.greedy(3), 20);
        assertTrue(twenty.logprobs().stream().allMatch(t -> t.top().size() == 20));
        assertEquals(zero.text().substring(0, 3).length(), 3);
        GenerationStats off = run(Sampling.greedy(6), -1);
        assertTrue(off.logprobs().isEmpty());
        assertEquals(zero.text(), off.text(), "asking for log probabilities does not change the answer");
    }

    @Test
    void aSampledTokenIsReportedWithItsRawLogprob() {
        GenerationStats stats = run(Sampling.defaults().withMaxTokens(16).withSeed(7L).withTemperature(1.5f)
                .withTopK(0).withTopP(1f).withMinP(0f).withRepeatPenalty(1f), 20);
        assertEquals(16, stats.logprobs().size());
        for (TokenLogprob t : stats.logprobs()) {
            TokenLogprob last = t.top().get(t.top().size() - 1);
            boolean inTop = t.top().stream().anyMatch(alt -> java.util.Arrays.equals(alt.bytes(), t.bytes()));
            // a sampled token outside the 20 most likely is less likely than all of them
            assertTrue(inTop || t.logprob() <= last.logprob(), t.token() + " " + t.logprob() + " " + last.logprob());
            assertTrue(t.logprob() <= 0);
        }
    }

    @Test
    void aHugeNegativeBiasBansTheGreedyTokenAndAHugePositiveOneForcesAToken() {
        GenerationStats plain = run(Sampling.greedy(4), 5);
        TokenLogprob first = plain.logprobs().get(0);
        int greedy = id(first.bytes());
        GenerationStats banned = run(Sampling.greedy(4).withLogitBias(Map.of(greedy, -100f)), 5);
        TokenLogprob instead = banned.logprobs().get(0);
        assertFalse(java.util.Arrays.equals(first.bytes(), instead.bytes()), first.token());
        // the second most likely token takes its place; log probabilities stay the model's own (before the bias)
        assertArrayEquals(first.top().get(1).bytes(), instead.bytes());
        assertEquals(first.logprob(), instead.top().get(0).logprob(), 1e-6);

        int cheese = vocabulary.tokens().indexOf(TinyVocabulary.SPACE + "cheese");
        GenerationStats forced = run(Sampling.greedy(5).withLogitBias(Map.of(cheese, 100f)), 0);
        assertEquals(" cheese cheese cheese cheese cheese", forced.text());
        assertTrue(forced.logprobs().stream().allMatch(t -> t.logprob() < -1), "the model itself finds it unlikely");
        // sampled too: a +100 bias outweighs any temperature
        GenerationStats sampled = run(Sampling.defaults().withMaxTokens(3).withSeed(3L)
                .withLogitBias(Map.of(cheese, 100f)), -1);
        assertEquals(" cheese cheese cheese", sampled.text());
    }

    @Test
    void presenceAndFrequencyPenaltiesKeepTheAnswerFromRepeatingItself() {
        GenerationStats plain = run(Sampling.greedy(40), 0);
        GenerationStats penalized = run(Sampling.greedy(40).withPresencePenalty(2f).withFrequencyPenalty(2f), 0);
        Set<String> seen = new HashSet<>();
        for (TokenLogprob t : penalized.logprobs()) {
            assertTrue(seen.add(t.token()), "repeated " + t.token() + " in " + penalized.text());
        }
        Set<String> plainTokens = new HashSet<>();
        plain.logprobs().forEach(t -> plainTokens.add(t.token()));
        assertTrue(plainTokens.size() < 40, "the unpenalized greedy answer repeats: " + plain.text());
        assertNotEquals(plain.text(), penalized.text());
    }

    @Test
    void aBiasOutsideTheVocabularyIsABadRequestAndTheWorkerGoesOn() {
        for (int bad : new int[] {vocabulary.tokens().size(), -1, Integer.MAX_VALUE}) {
            GenerationException e = assertThrows(GenerationException.class,
                    () -> run(Sampling.greedy(2).withLogitBias(Map.of(bad, 5f)), -1));
            assertEquals(ErrorKind.BAD_REQUEST, e.kind());
            assertEquals("llamacpp.worker.bias.token", e.code());
            assertTrue(e.getMessage().contains(String.valueOf(bad)) && e.getMessage().contains("1023"),
                    e.getMessage());
        }
        GenerationException range = assertThrows(GenerationException.class,
                () -> run(Sampling.greedy(2).withLogitBias(Map.of(5, 101f)), -1));
        assertEquals(ErrorKind.BAD_REQUEST, range.kind());
        GenerationException penalty = assertThrows(GenerationException.class,
                () -> run(Sampling.greedy(2).withPresencePenalty(2.5f), -1));
        assertEquals("llamacpp.request.penalty", penalty.code());
        assertEquals(2, run(Sampling.greedy(2), 0).logprobs().size());
    }

    @Test
    void aChatWithLogprobsReportsEveryGeneratedToken() {
        GenerationStats stats = model.generate(GenerationRequest.chat(List.of(ChatMessage.user("Hello")),
                Sampling.greedy(8)).withLogprobs(2), null).await();
        assertEquals(stats.generatedTokens(), stats.logprobs().size());
    }
}

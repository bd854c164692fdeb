package org.terroir.backend.onnx.internal;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.Sampling;
import org.terroir.lib.onnxruntime.HfTokenizer;
import org.terroir.testkit.onnx.MiniLm;
import org.terroir.testkit.onnx.TinyDecoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Informational throughput numbers, printed, never asserted. Runs only with {@code -Dterroir.bench=true}:
 * {@code mvn -o test -pl backend-onnx -Dtest=OnnxBench -Dterroir.bench=true} (output in
 * target/surefire-reports/*OnnxBench-output.txt). Threads: {@code -Dterroir.bench.threads} (default 2).
 */
class OnnxBench {
    static final int THREADS = Integer.getInteger("terroir.bench.threads", 2);

    @TempDir
    Path dir;

    static List<String> sentences(int n) {
        String[] subjects = {"The old winemaker", "A young cat", "The central bank", "Le vigneron", "Une chatte",
                "La banque centrale", "My neighbour", "Notre voisin"};
        String[] verbs = {"walks through", "looks at", "talks about", "regarde", "parle de", "traverse"};
        String[] objects = {"the vineyard after the rain.", "interest rates and inflation in Europe.",
                "le terroir de Bourgogne et ses vieilles vignes.", "a small red bottle in the cellar.",
                "la pluie qui tombe sur les collines depuis ce matin."};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(subjects[i % subjects.length] + " " + verbs[(i / 3) % verbs.length] + " "
                    + objects[(i / 7) % objects.length]);
        }
        return out;
    }

    @Test
    void embeddingsPerSecondPlainVersusBackend() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("terroir.bench"));
        Path folder = MiniLm.writeTo(dir.resolve("minilm"), getClass().getClassLoader());
        List<String> texts = sentences(64);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double plain = 0;
        double ours = 0;
        OnnxBackend backend = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(THREADS));
        try (HfTokenizer tokenizer = HfTokenizer.open(folder.resolve("tokenizer.json"), 512);
                OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                LoadedModel model = backend.load(backend.describe(folder).orElseThrow(), LoadOptions.defaults())) {
            so.setIntraOpNumThreads(THREADS);
            so.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(folder.resolve("model.onnx").toString(), so)) {
                plainRun(env, session, tokenizer, texts.subList(0, 32));
                model.embed(texts.subList(0, 32));
                // Alternate short rounds so that both see the same machine load; report the best round of each
                // and the median of the per-round ratios (robust on a busy machine).
                List<Double> ratios = new ArrayList<>();
                List<String> chunk = texts.subList(0, 64);
                for (int round = 0; round < 9; round++) {
                    long t0 = System.nanoTime();
                    plainRun(env, session, tokenizer, chunk);
                    double p = chunk.size() / ((System.nanoTime() - t0) / 1e9);
                    t0 = System.nanoTime();
                    model.embed(chunk);
                    double o = chunk.size() / ((System.nanoTime() - t0) / 1e9);
                    plain = Math.max(plain, p);
                    ours = Math.max(ours, o);
                    ratios.add(o / p);
                }
                java.util.Collections.sort(ratios);
                System.out.printf("BENCH embeddings per-round ratios %s, median %.3f%n", ratios, ratios.get(ratios.size() / 2));
            }
        }
        System.out.printf("BENCH embeddings all-MiniLM-L6-v2-q, %d texts, %d threads: plain ORT %.1f/s, Terroir %.1f/s,"
                + " best/best %.3f%n", texts.size(), THREADS, plain, ours, ours / plain);
    }

    private static void plainRun(OrtEnvironment env, OrtSession session, HfTokenizer tokenizer, List<String> texts)
            throws Exception {
        for (String text : texts) {
            HfTokenizer.Encoded e = tokenizer.encode(text, true);
            long[] shape = {1, e.length()};
            try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(e.ids()), shape);
                    OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(e.attentionMask()), shape);
                    OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[e.length()]), shape);
                    OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                            "token_type_ids", types))) {
                FloatBuffer hidden = ((OnnxTensor) r.get(0)).getFloatBuffer();
                EmbeddingModel.meanPool(hidden, e.attentionMask(), 1, e.length(), MiniLm.DIMENSIONS);
            }
        }
    }

    @Test
    void tinyDecoderTokensPerSecondWithAndWithoutCache() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("terroir.bench"));
        TinyDecoder spec = new TinyDecoder(64, 4, 2, 1024, 7);
        Path folder = spec.writeTo(dir.resolve("tiny"));
        // No end-of-generation token, so that both runs produce exactly the same number of tokens.
        Files.delete(folder.resolve("tokenizer_config.json"));
        Files.writeString(folder.resolve("generation_config.json"), "{}", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("config.json"), spec.configJson().replace("\"eos_token_id\": 2", "\"eos_token_id\": []"),
                StandardCharsets.UTF_8);
        int n = 300;
        String prompt = "the old wine of the terroir is";
        OnnxBackend backend = new OnnxBackend(OnnxSettings.defaults().withIntraOpThreads(THREADS));
        GenerationStats cached;
        try (LoadedModel model = backend.load(backend.describe(folder).orElseThrow(), LoadOptions.defaults())) {
            model.generate(GenerationRequest.completion(prompt, Sampling.greedy(50)), null).await();
            cached = model.generate(GenerationRequest.completion(prompt, Sampling.greedy(n)), null).await();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double noCache;
        try (HfTokenizer tokenizer = HfTokenizer.open(folder.resolve("tokenizer.json"), 0);
                OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(THREADS);
            so.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(folder.resolve("model.onnx").toString(), so)) {
                List<Long> seq = new ArrayList<>();
                for (long id : tokenizer.encode(prompt, true).ids()) {
                    seq.add(id);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    seq.add((long) fullRecomputeStep(env, session, spec, seq));
                }
                noCache = n / ((System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf("BENCH tiny decoder (d=64, 2 layers, %d tokens, %d threads): KV cache through Terroir %.0f tok/s"
                + " (generated %d, %s), full recompute without cache %.0f tok/s, ratio %.2f%n", n, THREADS,
                cached.generatedTokens() * 1000.0 / cached.totalMs(), cached.generatedTokens(), cached.finishReason(),
                noCache, cached.generatedTokens() * 1000.0 / cached.totalMs() / noCache);
    }

    private static int fullRecomputeStep(OrtEnvironment env, OrtSession session, TinyDecoder spec, List<Long> seq)
            throws Exception {
        int t = seq.size();
        long[] ids = seq.stream().mapToLong(Long::longValue).toArray();
        long[] positions = new long[t];
        long[] mask = new long[t];
        for (int i = 0; i < t; i++) {
            positions[i] = i;
            mask[i] = 1;
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, t}));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, t}));
            in.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, t}));
            int hd = spec.hiddenSize() / spec.heads();
            for (int l = 0; l < spec.layers(); l++) {
                for (String part : List.of("key", "value")) {
                    in.put("past_key_values." + l + "." + part, OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                            new long[] {1, spec.heads(), 0, hd}));
                }
            }
            try (OrtSession.Result r = session.run(in)) {
                FloatBuffer logits = ((OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer();
                int v = TinyDecoder.vocabSize();
                float[] last = new float[v];
                logits.get((t - 1) * v, last);
                return Sampler.argmax(last);
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }
}

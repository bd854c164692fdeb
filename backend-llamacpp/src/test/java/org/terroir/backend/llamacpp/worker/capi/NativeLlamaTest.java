package org.terroir.backend.llamacpp.worker.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.testkit.gguf.TensorType;
import org.terroir.testkit.gguf.TinyLlama;

import com.sun.jna.Pointer;

/**
 * The binding against the real library of the CPU engine pack, in this test JVM (never in the platform's): struct
 * layouts read back through the library's own defaults, devices, and the list of architectures the engine
 * declares, each proved by the library itself.
 */
class NativeLlamaTest {
    static final Path PACK = Path.of(System.getProperty("terroir.engines", "target/engines")).resolve("linux-x64");
    static NativeLlama llama;
    static final List<String> LOG = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    static Path models;

    @BeforeAll
    static void load() {
        llama = NativeLlama.load(PACK, LOG::add);
    }

    @Test
    void structSizesAreThoseOfTheHeader() {
        // sizeof in llama.h v0.4.0 on 64-bit (ENGINE-NOTES: padding before tensor_split and samplers)
        assertEquals(80, new ModelParams().size());
        assertEquals(160, new ContextParams().size());
        assertEquals(56, new Batch().size());
        assertEquals(1, new SamplerChainParams().size());
        assertEquals(16, new ChatMessage().size());
        assertEquals(40, new ModelParams().offsetOf("tensor_split"));
        assertEquals(72, new ModelParams().offsetOf("vocab_only"));
        assertEquals(128, new ContextParams().offsetOf("embeddings"));
        assertEquals(136, new ContextParams().offsetOf("samplers"));
    }

    @Test
    void defaultsReadBackThroughEveryFieldAreTheLibrarys() {
        // The values llama_*_default_params() set in v0.4.0: a shifted field would read another field's value.
        ModelParams.ByValue m = llama.api().llama_model_default_params();
        assertNull(m.devices);
        assertEquals(-1, m.n_gpu_layers);
        assertEquals(1, m.split_mode); // LAYER
        assertEquals(ModelParams.LOAD_MODE_AUTO, m.load_mode);
        assertEquals(1, m.lazy_mode); // AUTO
        assertEquals(0, m.main_gpu);
        assertNull(m.tensor_split);
        assertEquals(0, m.vocab_only);
        assertEquals(0, m.check_tensors);
        assertEquals(1, m.use_extra_bufts);
        assertEquals(0, m.no_host);
        assertEquals(0, m.no_alloc);
        assertEquals(0, m.load_mtp);

        ContextParams.ByValue c = llama.api().llama_context_default_params();
        assertEquals(512, c.n_ctx);
        assertEquals(2048, c.n_batch);
        assertEquals(512, c.n_ubatch);
        assertEquals(1, c.n_seq_max);
        assertEquals(0, c.n_rs_seq);
        assertEquals(0, c.n_outputs_max);
        assertEquals(1, c.n_outputs_max_per_seq);
        assertEquals(4, c.n_threads);
        assertEquals(4, c.n_threads_batch);
        assertEquals(-1, c.rope_scaling_type);
        assertEquals(-1, c.pooling_type);
        assertEquals(-1, c.attention_type);
        assertEquals(ContextParams.FLASH_ATTN_AUTO, c.flash_attn_type);
        assertEquals(0f, c.rope_freq_base);
        assertEquals(-1f, c.yarn_ext_factor);
        assertEquals(-1f, c.yarn_beta_slow);
        assertEquals(0, c.yarn_orig_ctx);
        assertEquals(-1f, c.defrag_thold);
        assertEquals(1, c.type_k); // GGML_TYPE_F16
        assertEquals(1, c.type_v);
        assertNull(c.abort_callback);
        assertEquals(0, c.embeddings);
        assertEquals(1, c.offload_kqv);
        assertEquals(1, c.no_perf);
        assertEquals(1, c.op_offload);
        assertEquals(1, c.swa_full);
        assertEquals(0, c.kv_unified);
        assertNull(c.samplers);
        assertEquals(0, c.n_samplers);
        assertNull(c.ctx_other);
    }

    @Test
    void theBestCpuVariantIsLoadedAndDevicesAreListed() {
        List<org.terroir.backend.llamacpp.protocol.Message.Device> devices = llama.devices();
        assertFalse(devices.isEmpty());
        assertTrue(devices.stream().anyMatch(d -> d.type().equals("cpu")), devices.toString());
        assertFalse(llama.cpuVariant().isEmpty(), "no 'loaded CPU backend' line in " + LOG);
        assertTrue(devices.stream().allMatch(d -> d.totalBytes() >= 0));
    }

    @Test
    void everyDeclaredArchitectureIsKnownToTheLibrary() throws IOException {
        Set<String> declared = new TreeSet<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(getClass().getResourceAsStream(
                "/org/terroir/backend/llamacpp/internal/architectures-current.txt"), StandardCharsets.UTF_8))) {
            r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(declared::add);
        }
        assertTrue(declared.size() > 140, "" + declared.size());
        assertTrue(declared.containsAll(Set.of("llama", "qwen3", "qwen3moe", "gemma3", "gemma4", "gpt-oss",
                "granitehybrid", "smollm3", "mistral3", "lfm2", "glm4", "qwen35")));
        List<String> unknown = new ArrayList<>();
        for (String arch : declared) {
            if (!knows(arch)) {
                unknown.add(arch);
            }
        }
        assertEquals(List.of(), unknown);
        // and the check can fail: a made-up name is refused by the library itself
        assertFalse(knows("terroir-made-up"));
    }

    /**
     * Loads the vocabulary only of a tiny model claiming {@code arch}: the library refuses an architecture it does
     * not know with "unknown model architecture" before anything else; any other complaint (missing keys for that
     * architecture's hyperparameters) means it knows the name.
     */
    private boolean knows(String arch) throws IOException {
        Path file = models.resolve(arch + ".gguf");
        TinyLlama.unitTest().weightType(TensorType.F32).build().toWriter().putString("general.architecture", arch)
                .write(file);
        int before = LOG.size();
        ModelParams.ByValue params = llama.api().llama_model_default_params();
        params.vocab_only = 1;
        Pointer model = llama.api().llama_model_load_from_file(file.toString(), params);
        if (model != null) {
            llama.api().llama_model_free(model);
            return true;
        }
        List<String> lines;
        synchronized (LOG) {
            lines = new ArrayList<>(LOG.subList(before, LOG.size()));
        }
        assertNotNull(lines);
        return lines.stream().noneMatch(l -> l.contains("unknown model architecture"));
    }
}

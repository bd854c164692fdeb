package org.terroir.backend.llamacpp.worker.capi;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.terroir.backend.llamacpp.protocol.Message;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/**
 * Today's llama.cpp, loaded once per worker process from an engine pack folder: the main library, then every
 * backend plugin of the folder (ggml picks the best CPU variant for this processor, and any GPU backend whose
 * driver is present). The log callback goes in first so that the loader's lines reach the worker's log.
 */
public final class NativeLlama {
    /**
     * The main library of a pack: {@code libllama.v0.4.0.so}, {@code libllama.vulkan.v0.4.0.so}, {@code
     * llama.cuda.v0.4.0.dll}, ... (node-llama-cpp names each build's files after it).
     */
    public static Path libraryFile(Path pack) {
        try (java.util.stream.Stream<Path> files = Files.list(pack)) {
            return files.filter(f -> LIBRARY.matcher(f.getFileName().toString()).matches()).findFirst()
                    .orElseThrow(() -> new UnsatisfiedLinkError("no llama.cpp library in " + pack));
        } catch (java.io.IOException e) {
            throw new UnsatisfiedLinkError("cannot read " + pack + ": " + e.getMessage());
        }
    }

    /** The main library's file name in a pack. */
    public static final Pattern LIBRARY = Pattern.compile("(lib)?llama(\\.[a-z0-9]+)?\\.v[0-9.]+\\.(so|dll|dylib)");

    private static final Pattern CPU_VARIANT = Pattern.compile("loaded CPU backend from .*ggml-cpu-([A-Za-z0-9_]+)");
    private static final Pattern OFFLOADED = Pattern.compile("offloaded (\\d+)/(\\d+) layers to GPU");
    private static final String[] TYPES = {"cpu", "gpu", "igpu", "accel", "meta"};

    private final LlamaApi api;
    private final Path pack;
    // Held for the life of the process: a collected callback crashes the library on its next log line.
    private final LlamaApi.LogCallback logCallback;
    private final StringBuilder pendingLine = new StringBuilder();
    private volatile String cpuVariant = "";
    private volatile int offloadedLayers = -1;
    private final Consumer<String> log;

    private NativeLlama(LlamaApi api, Path pack, Consumer<String> log) {
        this.api = api;
        this.pack = pack;
        this.log = log;
        this.logCallback = (level, text, userData) -> onLog(text == null ? "" : text.getString(0, "UTF-8"));
    }

    /**
     * Loads the pack in {@code folder}. {@code log} receives every line the library logs.
     *
     * @throws UnsatisfiedLinkError when the library cannot load here (e.g. too old a C library)
     */
    public static NativeLlama load(Path folder, Consumer<String> log) {
        Path pack = folder.toAbsolutePath();
        LlamaApi api = Native.load(libraryFile(pack).toString(), LlamaApi.class,
                Map.of(com.sun.jna.Library.OPTION_STRING_ENCODING, "UTF-8"));
        NativeLlama llama = new NativeLlama(api, pack, log);
        api.llama_log_set(llama.logCallback, null);
        api.ggml_backend_load_all_from_path(pack.toString());
        api.llama_backend_init();
        return llama;
    }

    private synchronized void onLog(String text) {
        pendingLine.append(text);
        int newline;
        while ((newline = pendingLine.indexOf("\n")) >= 0) {
            String line = pendingLine.substring(0, newline);
            pendingLine.delete(0, newline + 1);
            Matcher cpu = CPU_VARIANT.matcher(line);
            if (cpu.find()) {
                cpuVariant = cpu.group(1);
            }
            Matcher offload = OFFLOADED.matcher(line);
            if (offload.find()) {
                offloadedLayers = Integer.parseInt(offload.group(1));
            }
            if (!line.isBlank()) {
                log.accept(line);
            }
        }
    }

    public LlamaApi api() {
        return api;
    }

    public Path pack() {
        return pack;
    }

    /** The CPU variant ggml chose for this processor (e.g. zen4, haswell), or "" when none was logged. */
    public String cpuVariant() {
        return cpuVariant;
    }

    /** Layers the last model load offloaded to a GPU, as the library logged it; -1 when it logged nothing. */
    public int offloadedLayers() {
        return offloadedLayers;
    }

    public List<Message.Device> devices() {
        List<Message.Device> devices = new ArrayList<>();
        long count = api.ggml_backend_dev_count();
        for (long i = 0; i < count; i++) {
            Pointer device = api.ggml_backend_dev_get(i);
            LongByReference free = new LongByReference();
            LongByReference total = new LongByReference();
            api.ggml_backend_dev_memory(device, free, total);
            int type = api.ggml_backend_dev_type(device);
            devices.add(new Message.Device(api.ggml_backend_dev_name(device),
                    type >= 0 && type < TYPES.length ? TYPES[type] : String.valueOf(type),
                    api.ggml_backend_dev_description(device), free.getValue(), total.getValue()));
        }
        return devices;
    }

    /** Metadata string of a loaded model, or null. */
    public String meta(Pointer model, String key) {
        byte[] buf = new byte[256];
        int n = api.llama_model_meta_val_str(model, key, buf, buf.length);
        if (n < 0) {
            return null;
        }
        if (n >= buf.length) {
            buf = new byte[n + 1];
            n = api.llama_model_meta_val_str(model, key, buf, buf.length);
        }
        return new String(buf, 0, Math.max(0, n), StandardCharsets.UTF_8);
    }
}

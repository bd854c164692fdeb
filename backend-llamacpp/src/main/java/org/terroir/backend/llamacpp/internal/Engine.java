package org.terroir.backend.llamacpp.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

import org.terroir.backend.llamacpp.protocol.Message;

/** The two llama.cpp builds a worker can run, each with the model architectures it is known to load. */
enum Engine {
    /** Today's llama.cpp (tag v0.4.0) from an engine pack, through its C API. */
    CURRENT("llamacpp", "llama.cpp v0.4.0", Message.ENGINE_CURRENT, "architectures-current.txt"),
    /** de.kherud:llama 4.2.0, whose llama.cpp is b4916 (March 2025): for computers no pack serves. */
    CLASSIC("llamacpp-classic", "llama.cpp b4916 (classic)", Message.ENGINE_CLASSIC, "architectures-classic.txt");

    final String backendId;
    final String displayName;
    final String wireName;
    private final String architecturesResource;
    private volatile Set<String> architectures;

    Engine(String backendId, String displayName, String wireName, String architecturesResource) {
        this.backendId = backendId;
        this.displayName = displayName;
        this.wireName = wireName;
        this.architecturesResource = architecturesResource;
    }

    /** The architectures (general.architecture values) this engine loads. */
    Set<String> architectures() {
        Set<String> set = architectures;
        if (set == null) {
            set = new TreeSet<>();
            try (InputStream in = Engine.class.getResourceAsStream(architecturesResource);
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    line = line.trim();
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        set.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            architectures = set = Set.copyOf(set);
        }
        return set;
    }

    boolean loads(String architecture) {
        return architectures().contains(architecture);
    }
}

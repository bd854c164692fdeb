package org.terroir.backend.llamacpp.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The jars a worker process runs from: the worker's own code and de.kherud:llama. */
@FunctionalInterface
interface WorkerClasspath {
    /** Files that exist on disk, in class path order. */
    List<Path> jars();

    /**
     * A folder holding the bundled libjllama for this computer, taken out once, so that workers load it from there
     * instead of each copying it to its temporary folder. Empty: the library finds its own.
     */
    default Optional<Path> nativeLibraryFolder() {
        return Optional.empty();
    }

    /**
     * The class path of a worker running today's llama.cpp: the worker's code, then every jar of
     * {@code engines/java/} (JNA, the chat-template renderer and GraalJS, Gson), used where they are.
     */
    default List<Path> currentEngineJars(Path engines) {
        List<Path> list = new java.util.ArrayList<>();
        list.add(jars().get(0));
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(engines.resolve("java"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(list::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return list;
    }
}

package org.terroir.backend.llamacpp.internal;

import java.nio.file.Path;
import java.util.List;

/** The jars a worker process runs from: the worker's own code and de.kherud:llama. */
@FunctionalInterface
interface WorkerClasspath {
    /** Files that exist on disk, in class path order. */
    List<Path> jars();
}

package org.terroir.backend.llamacpp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Defaults of the llama.cpp backend; every load option left empty takes its value from here. */
@ObjectClassDefinition(id = LlamaCppConfig.PID, name = "Terroir llama.cpp backend",
        description = "Defaults for models run by llama.cpp, each in its own worker process.")
public @interface LlamaCppConfig {
    String PID = "org.terroir.backend.llamacpp";

    @AttributeDefinition(description = "Context window in tokens when a load names none (capped at the model's own).")
    int defaultContextLength() default 4096;

    @AttributeDefinition(description = "CPU threads for generation; 0 means one per physical core (estimated).")
    int threads() default 0;

    @AttributeDefinition(description = "Logical batch size for prompt processing.")
    int batchSize() default 512;

    @AttributeDefinition(description = "Layers offloaded to the GPU when a load names none and gpuOffload is off "
            + "(0: none, -1: all). The classic engine needs a GPU build of libjllama for it.")
    int gpuLayers() default 0;

    @AttributeDefinition(description = "auto: with today's llama.cpp, the hardware advisor's fit verdict decides the "
            + "layers a load that names none puts on the GPU (all, part or none); off: gpuLayers decides.")
    String gpuOffload() default "auto";

    @AttributeDefinition(description = "Map the model file instead of reading it into memory.")
    boolean mmap() default true;

    @AttributeDefinition(description = "Folder of a libjllama build of de.kherud:llama 4.2.0 to use instead of "
            + "the bundled CPU one (for example a CUDA or AVX-512 build). Empty: the bundled one.")
    String libraryPath() default "";

    @AttributeDefinition(description = "Extra options for the worker JVM, separated by spaces.")
    String workerJvmOptions() default "-Xss4m -Xmx512m -XX:+UseSerialGC";

    @AttributeDefinition(description = "Seconds a worker may take to start and load a model.")
    int loadTimeoutSeconds() default 300;

    @AttributeDefinition(description = "Format chat with the model's own Jinja template (today's llama.cpp; "
            + "bounded in time and size); off: llama.cpp's built-in list of known templates only, which the classic "
            + "engine always uses.")
    boolean jinja() default true;

    @AttributeDefinition(description = "Which llama.cpp runs GGUF models: auto (today's llama.cpp when its engine "
            + "pack works on this computer and knows the model's architecture, else the classic one), current "
            + "(today's only) or classic (de.kherud:llama 4.2.0, llama.cpp b4916, only).")
    String engine() default "auto";

    @AttributeDefinition(description = "Folder holding the engine packs (one folder per pack, e.g. linux-x64, "
            + "linux-x64-vulkan). Empty: the engines/ folder of the installation.")
    String enginePacks() default "";

    @AttributeDefinition(description = "Engine pack to use: auto (a GPU pack when one is installed, else the CPU "
            + "pack of this platform) or a pack folder name such as linux-x64 or linux-x64-vulkan.")
    String enginePack() default "auto";

    @AttributeDefinition(description = "Requests one loaded model decodes together (today's llama.cpp); they share "
            + "the context window.")
    int parallel() default 4;
}

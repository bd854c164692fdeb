package org.terroir.backend.onnx.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Settings of the ONNX Runtime backend (PID {@code org.terroir.backend.onnx}). Defaults work out of the box. */
@ObjectClassDefinition(name = "Terroir ONNX Runtime backend", description = "Threads and session options of ONNX Runtime.")
public @interface OnnxBackendConfig {
    String PID = "org.terroir.backend.onnx";

    @AttributeDefinition(name = "Intra-op threads", description = "Threads inside one operator; 0: ONNX Runtime's choice (all physical cores). A load's 'threads' option overrides it.")
    int intraOpThreads() default 0;

    @AttributeDefinition(name = "Inter-op threads", description = "Threads running independent operators; 0: ONNX Runtime's choice.")
    int interOpThreads() default 1;

    @AttributeDefinition(name = "Graph optimisation", options = {@Option(label = "None", value = "NO_OPT"),
            @Option(label = "Basic", value = "BASIC_OPT"), @Option(label = "Extended", value = "EXTENDED_OPT"),
            @Option(label = "All", value = "ALL_OPT")})
    String optimization() default "ALL_OPT";

    @AttributeDefinition(name = "Embedding batch size", description = "Texts embedded in one run.")
    int embeddingBatchSize() default 32;

    @AttributeDefinition(name = "Embedding token limit", description = "Longer texts are truncated (the model's own limit applies when lower).")
    int embeddingMaxTokens() default 512;

    @AttributeDefinition(name = "Default context length", description = "Context of a decoder when neither the load nor the model says; 0: the model's max_position_embeddings.")
    int contextLength() default 0;
}

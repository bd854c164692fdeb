package org.terroir.documents.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Terroir documents", description = "Documents attached to conversations and collections")
public @interface DocumentsConfig {
    @AttributeDefinition(description = "Folder of an ONNX embedding model (model.onnx + tokenizer.json, such as"
            + " all-MiniLM-L6-v2); empty: the distribution's embeddings/all-MiniLM-L6-v2, else the first loaded model"
            + " that embeds")
    String embeddingModel() default "";

    @AttributeDefinition(description = "Folder of the index database; empty: TERROIR_HOME/data")
    String dataDir() default "";

    @AttributeDefinition(description = "About how many tokens one passage holds")
    int passageTokens() default 200;

    @AttributeDefinition(description = "Tokens of the passage before that are embedded with a passage")
    int overlapTokens() default 40;

    @AttributeDefinition(description = "Largest file read, in megabytes")
    int maxFileMegabytes() default 50;
}

package org.terroir.chat.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Terroir chat", description = "Conversations and their history on disk")
public @interface ChatConfig {
    @AttributeDefinition(description = "Folder of the history database; empty: TERROIR_HOME/data")
    String dataDir() default "";

    @AttributeDefinition(description = "Longest time (ms) a streaming answer stays unsaved")
    long flushIntervalMs() default 500;

    @AttributeDefinition(description = "Tokens counted per message for the chat template's role markers")
    int messageOverheadTokens() default 8;

    @AttributeDefinition(description = "Model of new conversations when none is given; empty: the current model")
    String defaultModel() default "";

    @AttributeDefinition(description = "Preset of new conversations when none is given")
    String defaultPreset() default "assistant";
}

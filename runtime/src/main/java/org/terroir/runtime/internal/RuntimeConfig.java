package org.terroir.runtime.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = RuntimeConfig.PID, name = "Terroir model manager",
        description = "How long loaded models stay in memory.")
@interface RuntimeConfig {
    String PID = "org.terroir.runtime";

    @AttributeDefinition(name = "Idle unload (minutes)",
            description = "Unload a model that has not been used for this many minutes; 0 keeps models loaded.")
    int idleUnloadMinutes() default 30;

    @AttributeDefinition(name = "Most loaded models",
            description = "Loading one more unloads the least recently used; 0 means no limit.")
    int maxLoadedModels() default 4;

    @AttributeDefinition(name = "Load time limit (seconds)",
            description = "A backend that takes longer to load a model is given up on (the model is refused with an"
                    + " error naming the backend); 0 waits for ever.")
    int loadTimeoutSeconds() default 600;
}

package org.terroir.chat.internal;

import java.nio.file.Path;

/**
 * The settings the service runs with (from {@link ChatConfig}, or given directly by tests).
 *
 * @param dataDir               folder of the database
 * @param flushIntervalMs       longest time a streaming answer stays unsaved
 * @param messageOverheadTokens tokens counted per message for the template's role markers
 * @param defaultModel          model of new conversations, or null for the current model at first send
 * @param defaultPreset         preset of new conversations
 */
record ChatOptions(Path dataDir, long flushIntervalMs, int messageOverheadTokens, String defaultModel,
        String defaultPreset) {

    static ChatOptions of(ChatConfig config) {
        Path dir = config.dataDir().isBlank() ? org.terroir.api.TerroirHome.data() : Path.of(config.dataDir());
        return new ChatOptions(dir, Math.max(50, config.flushIntervalMs()), Math.max(0, config.messageOverheadTokens()),
                config.defaultModel().isBlank() ? null : config.defaultModel(), config.defaultPreset());
    }

    static ChatOptions defaults(Path dataDir) {
        return new ChatOptions(dataDir, 500, 8, null, "assistant");
    }
}

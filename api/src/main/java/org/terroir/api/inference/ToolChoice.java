package org.terroir.api.inference;

import java.util.Objects;

/**
 * Whether and which tool the model must call, as OpenAI's {@code tool_choice}.
 *
 * @param mode     auto (the model decides), none (no call), required (at least one call), function (that one)
 * @param function the function's name when {@code mode} is {@link Mode#FUNCTION}, otherwise null
 */
public record ToolChoice(Mode mode, String function) {
    public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public ToolChoice {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.FUNCTION) != (function != null)) {
            throw new IllegalArgumentException("a function name goes with mode FUNCTION, and only with it");
        }
    }

    public static ToolChoice function(String name) {
        return new ToolChoice(Mode.FUNCTION, name);
    }
}

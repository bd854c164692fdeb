package org.terroir.api.inference;

/** Why a generation ended. */
public enum FinishReason {
    /** The model produced an end-of-generation token or a stop string. */
    STOP,
    /** The maximum number of tokens was reached. */
    LENGTH,
    /** Someone cancelled it. */
    CANCELLED,
    /** The context window is full. */
    CONTEXT_FULL,
    /** The model called one or more tools; their results are expected in {@code tool} turns. */
    TOOL_CALLS
}

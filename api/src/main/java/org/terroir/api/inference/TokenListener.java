package org.terroir.api.inference;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives generated text as it is produced. Called on a backend thread; keep it quick. */
@ConsumerType
@FunctionalInterface
public interface TokenListener {
    /** A piece of text (one token, or several bytes completing a UTF-8 character). */
    void onToken(String text);

    /**
     * The model called a tool. Text that spells the call is not passed to {@link #onToken}; the call arrives
     * whole, as soon as it has been parsed, before the generation ends.
     */
    default void onToolCall(ToolCall call) {
    }

    TokenListener NONE = text -> {};
}

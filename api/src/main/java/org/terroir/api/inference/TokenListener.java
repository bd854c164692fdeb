package org.terroir.api.inference;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives generated text as it is produced. Called on a backend thread; keep it quick. */
@ConsumerType
@FunctionalInterface
public interface TokenListener {
    /** A piece of text (one token, or several bytes completing a UTF-8 character). */
    void onToken(String text);

    TokenListener NONE = text -> {};
}

package org.terroir.template.grammar;

import java.util.List;

/**
 * A JSON Schema cannot be turned into a grammar. The request that carried it is wrong (ErrorKind.BAD_REQUEST
 * for whoever reports it); {@link #code()} is stable, {@link #args()} fill the reader's message (the worker
 * sends both to the platform, which words them in French or English); {@link #getMessage()} is English, for logs.
 */
public final class GrammarException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Not JSON, or not a schema's shape (a keyword of the wrong type). Args: what is wrong. */
    public static final String INVALID = "schema.invalid";
    /** A keyword (or value of one) the converter cannot enforce, e.g. {@code pattern}. Args: keyword, where. */
    public static final String UNSUPPORTED = "schema.unsupported";
    /** A {@code $ref} that does not name an entry of {@code $defs} or {@code definitions}. Args: the ref. */
    public static final String REF = "schema.ref";
    /** Nested deeper than {@link JsonSchemaGrammar#MAX_DEPTH} or more rules than {@link JsonSchemaGrammar#MAX_RULES}. */
    public static final String TOO_LARGE = "schema.too.large";

    private final String code;
    private final List<String> args;

    GrammarException(String code, String message, String... args) {
        super(message);
        this.code = code;
        this.args = List.of(args);
    }

    public String code() {
        return code;
    }

    public List<String> args() {
        return args;
    }
}

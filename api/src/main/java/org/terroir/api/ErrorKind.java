package org.terroir.api;

/**
 * What kind of failure a {@link TerroirException} is, stable across backends and plugins. Front ends (the OpenAI
 * and Ollama APIs, the page, the shell) choose their status codes and advice from the kind alone, never from the
 * text of {@link TerroirException#code()}, so that a third-party backend only has to pick the right kind.
 *
 * <p>Evolution: constants may be added in a minor version; a consumer must treat an unknown kind like
 * {@link #INTERNAL}.
 */
public enum ErrorKind {
    /** The request itself is wrong (a field out of range, malformed JSON, an unsupported option). HTTP 400. */
    BAD_REQUEST,
    /** The model, conversation, key or file named does not exist. HTTP 404. */
    NOT_FOUND,
    /** The prompt (with its template and history) does not fit the model's context. HTTP 400, context error. */
    PROMPT_TOO_LONG,
    /** The feature asked for exists but this model or backend cannot do it (tools on ONNX, embeddings...). 400. */
    UNSUPPORTED,
    /** Too many requests at once, or a quota reached: try again later. HTTP 429. */
    BUSY,
    /** The backend process ended or cannot be reached (crash, killed worker, remote server down). HTTP 503. */
    BACKEND_GONE,
    /** The model file cannot be read or loaded (truncated, unknown architecture, not enough memory). HTTP 422. */
    INVALID_MODEL,
    /** It took longer than the configured limit. HTTP 504. */
    TIMEOUT,
    /** The caller's key is missing, wrong or expired. HTTP 401. */
    UNAUTHORIZED,
    /** Everything else: a bug or an unexpected state. HTTP 500. */
    INTERNAL
}

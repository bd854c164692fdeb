package org.terroir.web.internal.http;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;

/**
 * The one place where a {@link TerroirException}'s {@link ErrorKind} becomes an HTTP answer: status, OpenAI's error
 * {@code type} and {@code code}, and Anthropic's error {@code type}. Front ends never look at {@code code()} strings
 * (the api's typed error contract); an unknown kind counts as {@link ErrorKind#INTERNAL}.
 */
public final class ErrorKinds {
    private ErrorKinds() {
    }

    /** How one kind is answered. */
    public record Mapping(int status, String type, String code) {
    }

    public static Mapping of(ErrorKind kind) {
        if (kind == null) {
            return of(ErrorKind.INTERNAL);
        }
        return switch (kind) {
            case BAD_REQUEST -> new Mapping(400, "invalid_request_error", "invalid_value");
            case NOT_FOUND -> new Mapping(404, "invalid_request_error", "not_found");
            case PROMPT_TOO_LONG -> new Mapping(400, "invalid_request_error", "context_length_exceeded");
            case UNSUPPORTED -> new Mapping(400, "invalid_request_error", "unsupported_value");
            case BUSY -> new Mapping(429, "rate_limit_error", "server_busy");
            case BACKEND_GONE -> new Mapping(503, "server_error", "backend_unavailable");
            case INVALID_MODEL -> new Mapping(422, "invalid_request_error", "invalid_model");
            case TIMEOUT -> new Mapping(504, "server_error", "timeout");
            case UNAUTHORIZED -> new Mapping(401, "invalid_request_error", "invalid_api_key");
            default -> new Mapping(500, "server_error", "internal_error");
        };
    }

    /**
     * The error answered for a failure; {@code param} names the request field it concerns (for example
     * {@code "messages"} for a prompt too long, {@code "model"} for a model), or null.
     */
    public static ApiError toApiError(TerroirException e, String param, String message) {
        Mapping m = of(e.kind());
        return new ApiError(m.status(), m.type(), m.code(), param, message);
    }

    /** Anthropic's error {@code type} for an HTTP status (their documented list). */
    public static String anthropicType(int status) {
        return switch (status) {
            case 400, 405, 415, 421, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }
}

package org.terroir.web.internal.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.LoadedModel;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.BoundedBody;

import com.google.gson.JsonObject;

/**
 * What every API dialect ({@code /v1} OpenAI's chat and Responses, Anthropic's messages, Ollama's) does the same way
 * around its own routes: reading a request's JSON, writing JSON, answering what a route throws, embedding texts. Each
 * dialect keeps only what differs: its routes and the shape of its error object.
 */
public final class ApiCalls {
    private static final System.Logger LOG = System.getLogger(ApiCalls.class.getName());

    private ApiCalls() {
    }

    /** A request's route: it answers through the response, or throws what {@link #serve} answers. */
    @FunctionalInterface
    public interface Route {
        void answer() throws IOException;
    }

    /**
     * Runs a route and answers what it throws in the dialect's error object ({@code errorBody}): an {@link ApiError}
     * as it is, a backend's refusal by its kind ({@link OpenAiServlet#fromGeneration}), anything else as a 500, logged
     * here, with no stack trace in the answer.
     */
    public static void serve(HttpServletRequest request, HttpServletResponse response,
            Function<ApiError, Object> errorBody, Route route) throws IOException {
        ApiError failure;
        try {
            route.answer();
            return;
        } catch (ApiError e) {
            failure = e;
        } catch (TerroirException e) {
            failure = OpenAiServlet.fromGeneration(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "request failed: " + request.getRequestURI(), e);
            failure = new ApiError(500, "server_error", "internal_error", null,
                    ApiError.shortMessage(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        ApiError.discardBody(request, response); // a route may fail before reading the body (an unknown URL)
        failure.write(response, errorBody.apply(failure));
    }

    /** The body as a JSON object, at most {@code maxBytes} (its type was checked by the guard: JSON only). */
    public static JsonObject body(HttpServletRequest request, long maxBytes) throws IOException {
        return Fields.parseObject(BoundedBody.read(request.getInputStream(), request.getContentLengthLong(), maxBytes));
    }

    /** Writes a 200 with this JSON, or goes on with a response already under way (a waiting request's probes). */
    public static void writeJson(HttpServletResponse response, Object body) throws IOException {
        if (!response.isCommitted()) {
            response.setStatus(200);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
        }
        // Bytes, not the writer: a waiting request may already have written probes through the stream.
        response.getOutputStream().write(Json.OPENAI.toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Texts' vectors, and how many tokens they were. */
    public record Embedded(List<float[]> vectors, int tokens) {
    }

    /**
     * Embeds texts, each checked first against the model's context (a 400 that names the sizes, never a text cut
     * short in silence); a backend's refusal is answered by its kind.
     */
    public static Embedded embed(LoadedModel model, List<String> input) {
        int tokens = 0;
        for (String text : input) {
            int count = model.tokenize(text).length;
            if (count > model.contextLength()) {
                throw ApiError.badRequest("context_length_exceeded", "input",
                        Texts.get("error.context", count, model.contextLength()));
            }
            tokens += count;
        }
        try {
            return new Embedded(model.embed(input), tokens);
        } catch (TerroirException e) {
            throw OpenAiServlet.fromGeneration(e);
        }
    }
}

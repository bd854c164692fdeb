package org.terroir.web.internal.anthropic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ToolCall;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.Capacity;
import org.terroir.web.internal.http.ErrorKinds;
import org.terroir.web.internal.http.Sse;
import org.terroir.web.internal.openai.ApiCalls;
import org.terroir.web.internal.openai.ApiServices;
import org.terroir.web.internal.openai.ModelAccess;
import org.terroir.web.internal.openai.OpenAiServlet;
import org.terroir.web.internal.openai.Responses;
import org.terroir.web.internal.openai.Streaming;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Anthropic's Messages API: {@code POST /v1/messages} (streamed or not) and {@code POST /v1/messages/count_tokens}.
 * Behind the same guard as every path ({@code x-api-key} is accepted as the key, like {@code Authorization: Bearer});
 * {@code anthropic-version} and {@code anthropic-beta} are accepted and not needed. Errors in Anthropic's shape
 * {@code {"type":"error","error":{"type","message"}}}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({ "/v1/messages", "/v1/messages/*" })
public class AnthropicServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(AnthropicServlet.class.getName());

    @Reference
    private transient ApiServices api;


    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        ApiCalls.serve(request, response, AnthropicServlet::body, () -> {
            switch (request.getMethod() + " " + path) {
                case "POST /v1/messages" -> messages(AnthropicRequests.parse(body(request), false), response);
                case "POST /v1/messages/count_tokens" -> countTokens(AnthropicRequests.parse(body(request), true),
                        response);
                default -> throw new ApiError(path.equals("/v1/messages") ? 405 : 404, "invalid_request_error",
                        "unknown_url", null, Texts.get("error.url", request.getMethod(), request.getRequestURI()));
            }
        });
    }

    private JsonObject body(HttpServletRequest request) throws IOException {
        return api.body(request);
    }

    private ModelAccess access() {
        return api.access();
    }

    private void countTokens(AnthropicRequests.Call call, HttpServletResponse response) throws IOException {
        LoadedModel model = access().forGeneration(call.model());
        JsonObject o = new JsonObject();
        o.addProperty("input_tokens", OpenAiServlet.promptTokens(model, call.request().messages(), null));
        writeJson(response, o);
    }

    private void messages(AnthropicRequests.Call call, HttpServletResponse response) throws IOException {
        try (Capacity.Slot slot = api.slot()) {
            LoadedModel model = access().forGeneration(call.model());
            int promptTokens = OpenAiServlet.promptTokens(model, call.request().messages(), null);
            if (promptTokens >= model.contextLength()) {
                throw OpenAiServlet.contextExceeded(promptTokens, model.contextLength());
            }
            String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
            if (call.stream()) {
                stream(model, call, id, promptTokens, response);
                return;
            }
            Streaming.Outcome outcome;
            try {
                outcome = Streaming.await(model, call.request(), api.maxGenerationSeconds(), response);
            } catch (ApiError e) {
                if (!response.isCommitted()) {
                    throw e;
                }
                response.getOutputStream().write(Json.OPENAI.toJson(body(e)).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (outcome == null) {
                return; // the client left
            }
            GenerationStats stats = outcome.stats();
            JsonObject message = message(id, call.model(), stats.promptTokens());
            JsonArray content = message.getAsJsonArray("content");
            if (!stats.text().isEmpty() || stats.toolCalls().isEmpty()) {
                content.add(textBlock(stats.text()));
            }
            for (ToolCall c : stats.toolCalls()) {
                content.add(toolUse(c, true));
            }
            message.addProperty("stop_reason", stopReason(stats, outcome.limitReached()));
            message.add("usage", usage(stats));
            writeJson(response, message);
        }
    }

    private void stream(LoadedModel model, AnthropicRequests.Call call, String id, int promptTokens,
            HttpServletResponse response) throws IOException {
        Sse[] holder = { null };
        try {
            int[] index = { 0 };
            boolean[] textOpen = { false };
            Streaming.Outcome outcome = Streaming.run(model, call.request(), api.maxGenerationSeconds(),
                    new Streaming.Events() {
                        @Override
                        public void started() throws IOException {
                            // Only once the backend took the request: a refusal is still a plain 4xx.
                            holder[0] = new Sse(response);
                            JsonObject start = new JsonObject();
                            start.addProperty("type", "message_start");
                            JsonObject message = message(id, call.model(), promptTokens);
                            JsonObject usage = new JsonObject();
                            usage.addProperty("input_tokens", promptTokens);
                            usage.addProperty("output_tokens", 0);
                            message.add("usage", usage);
                            start.add("message", message);
                            holder[0].event("message_start", start.toString());
                        }

                        @Override
                        public void text(String text) throws IOException {
                            Sse sse = holder[0];
                            if (!textOpen[0]) {
                                blockStart(sse, index[0], textBlock(""));
                                textOpen[0] = true;
                            }
                            JsonObject delta = new JsonObject();
                            delta.addProperty("type", "text_delta");
                            delta.addProperty("text", text);
                            blockDelta(sse, index[0], delta);
                        }

                        @Override
                        public void toolCall(ToolCall c) throws IOException {
                            Sse sse = holder[0];
                            if (textOpen[0]) {
                                blockStop(sse, index[0]++);
                                textOpen[0] = false;
                            }
                            blockStart(sse, index[0], toolUse(c, false));
                            JsonObject delta = new JsonObject();
                            delta.addProperty("type", "input_json_delta");
                            delta.addProperty("partial_json", c.argumentsJson());
                            blockDelta(sse, index[0], delta);
                            blockStop(sse, index[0]++);
                        }
                    });
            Sse sse = holder[0];
            if (textOpen[0]) {
                blockStop(sse, index[0]);
            } else if (index[0] == 0) {
                // No text and no call: one empty text block, as Anthropic's own answers always hold one.
                blockStart(sse, 0, textBlock(""));
                blockStop(sse, 0);
            }
            JsonObject end = new JsonObject();
            end.addProperty("type", "message_delta");
            JsonObject delta = new JsonObject();
            delta.addProperty("stop_reason", stopReason(outcome.stats(), outcome.limitReached()));
            delta.add("stop_sequence", JsonNull.INSTANCE);
            end.add("delta", delta);
            end.add("usage", usage(outcome.stats()));
            sse.event("message_delta", end.toString());
            sse.event("message_stop", "{\"type\":\"message_stop\"}");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client left, message {0} cancelled", id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ApiError e) {
            if (holder[0] == null) {
                throw e; // nothing written yet: a plain error answer
            }
            try {
                holder[0].event("error", Json.OPENAI.toJson(body(e)));
            } catch (IOException gone) {
                // Nobody left to tell.
            }
        }
    }

    private static void blockStart(Sse sse, int index, JsonObject block) throws IOException {
        JsonObject e = new JsonObject();
        e.addProperty("type", "content_block_start");
        e.addProperty("index", index);
        e.add("content_block", block);
        sse.event("content_block_start", e.toString());
    }

    private static void blockDelta(Sse sse, int index, JsonObject delta) throws IOException {
        JsonObject e = new JsonObject();
        e.addProperty("type", "content_block_delta");
        e.addProperty("index", index);
        e.add("delta", delta);
        sse.event("content_block_delta", e.toString());
    }

    private static void blockStop(Sse sse, int index) throws IOException {
        sse.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    private static JsonObject message(String id, String model, int promptTokens) {
        JsonObject m = new JsonObject();
        m.addProperty("id", id);
        m.addProperty("type", "message");
        m.addProperty("role", "assistant");
        m.addProperty("model", model);
        m.add("content", new JsonArray());
        m.add("stop_reason", JsonNull.INSTANCE);
        m.add("stop_sequence", JsonNull.INSTANCE);
        return m;
    }

    private static JsonObject textBlock(String text) {
        JsonObject b = new JsonObject();
        b.addProperty("type", "text");
        b.addProperty("text", text);
        return b;
    }

    /** A tool_use block; its input whole, or empty when it follows as an input_json_delta (streaming). */
    private static JsonObject toolUse(ToolCall c, boolean withInput) {
        JsonObject b = new JsonObject();
        b.addProperty("type", "tool_use");
        b.addProperty("id", c.id());
        b.addProperty("name", c.name());
        JsonElement input = withInput ? JsonParser.parseString(c.argumentsJson()) : new JsonObject();
        b.add("input", input);
        return b;
    }

    /** Anthropic's stop reasons: end_turn, max_tokens, tool_use. */
    static String stopReason(GenerationStats stats, boolean limitReached) {
        if (limitReached) {
            return "max_tokens";
        }
        FinishReason reason = stats.toolCalls().isEmpty() ? stats.finishReason() : FinishReason.TOOL_CALLS;
        return switch (reason) {
            case LENGTH, CONTEXT_FULL -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            default -> "end_turn";
        };
    }

    /** input/output tokens, cache_read_input_tokens, and Terroir's {@code energy} extension when known. */
    private static JsonObject usage(GenerationStats stats) {
        JsonObject u = new JsonObject();
        u.addProperty("input_tokens", stats.promptTokens());
        u.addProperty("output_tokens", stats.generatedTokens());
        u.addProperty("cache_read_input_tokens", stats.cachedPromptTokens());
        if (stats.energy() != null) {
            u.add("energy", Responses.energy(stats.energy()));
        }
        return u;
    }

    /** Anthropic's error object. */
    static JsonObject body(ApiError e) {
        JsonObject error = new JsonObject();
        error.addProperty("type", ErrorKinds.anthropicType(e.status()));
        error.addProperty("message", e.getMessage() == null ? "" : e.getMessage());
        JsonObject o = new JsonObject();
        o.addProperty("type", "error");
        o.add("error", error);
        return o;
    }

    private static void writeJson(HttpServletResponse response, Object body) throws IOException {
        ApiCalls.writeJson(response, body);
    }

}

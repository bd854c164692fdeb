package org.terroir.web.internal.responses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ToolCall;
import org.terroir.web.internal.Json;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.Capacity;
import org.terroir.web.internal.http.Sse;
import org.terroir.web.internal.openai.ApiCalls;
import org.terroir.web.internal.openai.ApiServices;
import org.terroir.web.internal.openai.Fields;
import org.terroir.web.internal.openai.OpenAiServlet;
import org.terroir.web.internal.openai.Responses;
import org.terroir.web.internal.openai.Streaming;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/**
 * OpenAI's Responses API: {@code POST /v1/responses} (streamed or not), {@code GET} and {@code DELETE
 * /v1/responses/{id}}. Responses are kept in memory for {@code previous_response_id} ({@link ResponseStore}: at most
 * {@value ResponseStore#CAPACITY}, least recently used first out, {@code store:false} keeps none). Errors are
 * OpenAI's error object, as for the rest of /v1.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({ "/v1/responses", "/v1/responses/*" })
public class ResponsesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(ResponsesServlet.class.getName());

    @Reference
    private transient ApiServices api;

    private final transient ResponseStore store = new ResponseStore();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String method = request.getMethod();
        ApiCalls.serve(request, response, ApiError::body, () -> {
            if (path.isEmpty() || path.equals("/")) {
                if (!method.equals("POST")) {
                    throw unknown(request, 405);
                }
                create(ResponsesRequests.parse(body(request)), response);
            } else if (path.indexOf('/', 1) < 0 && (method.equals("GET") || method.equals("DELETE"))) {
                String id = path.substring(1);
                ResponseStore.Stored stored = store.get(id).orElseThrow(() -> notFound(id));
                if (method.equals("DELETE")) {
                    store.remove(id);
                    JsonObject o = new JsonObject();
                    o.addProperty("id", id);
                    o.addProperty("object", "response");
                    o.addProperty("deleted", true);
                    writeJson(response, o);
                } else {
                    writeJson(response, stored.response());
                }
            } else {
                throw unknown(request, 404);
            }
        });
    }

    private static ApiError unknown(HttpServletRequest request, int status) {
        return new ApiError(status, "invalid_request_error", "unknown_url", null,
                Texts.get("error.url", request.getMethod(), request.getRequestURI()));
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "invalid_request_error", "not_found", "previous_response_id",
                Texts.get("error.responses.notFound", id, ResponseStore.CAPACITY));
    }

    private JsonObject body(HttpServletRequest request) throws IOException {
        return api.body(request);
    }

    private void create(ResponsesRequests.Call call, HttpServletResponse response) throws IOException {
        List<ChatMessage> history = new ArrayList<>();
        if (call.previousResponseId() != null) {
            history.addAll(store.get(call.previousResponseId()).orElseThrow(() -> notFound(call.previousResponseId()))
                    .conversation());
        }
        history.addAll(call.input());
        // Instructions are this request's only: they are not carried to the next through previous_response_id.
        List<ChatMessage> messages = new ArrayList<>();
        if (call.instructions() != null && !call.instructions().isEmpty()) {
            messages.add(ChatMessage.system(call.instructions()));
        }
        messages.addAll(history);
        try (Capacity.Slot slot = api.slot()) {
            LoadedModel model = api.access().forGeneration(call.model());
            int promptTokens = OpenAiServlet.promptTokens(model, messages, null);
            if (promptTokens >= model.contextLength()) {
                throw OpenAiServlet.contextExceeded(promptTokens, model.contextLength());
            }
            int maxTokens = call.maxOutputTokens() == null ? model.contextLength() : call.maxOutputTokens();
            GenerationRequest request = GenerationRequest.chat(messages, call.sampling().withMaxTokens(maxTokens))
                    .withResponseFormat(call.format()).withLogprobs(call.logprobs());
            if (!call.tools().isEmpty()) {
                request = request.withTools(call.tools(), call.toolChoice());
            }
            String id = "resp_" + UUID.randomUUID().toString().replace("-", "");
            long created = Instant.now().getEpochSecond();
            if (call.stream()) {
                stream(model, request, call, id, created, history, response);
                return;
            }
            Streaming.Outcome outcome;
            try {
                outcome = Streaming.await(model, request, api.maxGenerationSeconds(), response);
            } catch (ApiError e) {
                if (!response.isCommitted()) {
                    throw e;
                }
                response.getOutputStream().write(Json.OPENAI.toJson(e.body()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (outcome == null) {
                return;
            }
            GenerationStats stats = outcome.stats();
            List<ToolCall> calls = calls(call, stats.toolCalls());
            JsonArray output = new JsonArray();
            String messageId = "msg_" + UUID.randomUUID().toString().replace("-", "");
            if (!stats.text().isEmpty() || calls.isEmpty()) {
                output.add(withLogprobs(messageItem(messageId, stats.text(), "completed"), call, stats));
            }
            for (ToolCall c : calls) {
                output.add(functionItem(c, c.argumentsJson(), "completed"));
            }
            JsonObject answer = response(id, created, call, outcome, output);
            keep(call, id, answer, history, stats.text(), calls);
            writeJson(response, answer);
        }
    }

    private void stream(LoadedModel model, GenerationRequest request, ResponsesRequests.Call call, String id,
            long created, List<ChatMessage> history, HttpServletResponse response) throws IOException {
        Sse[] holder = { null };
        int[] sequence = { 0 };
        try {
            String messageId = "msg_" + UUID.randomUUID().toString().replace("-", "");
            StringBuilder text = new StringBuilder();
            JsonArray output = new JsonArray();
            List<ToolCall> calls = new ArrayList<>();
            int[] textIndex = { -1 };
            Streaming.Outcome outcome = Streaming.run(model, request, api.maxGenerationSeconds(),
                    new Streaming.Events() {
                        @Override
                        public void started() throws IOException {
                            // Only once the backend took the request: a refusal is still a plain 4xx.
                            holder[0] = new Sse(response);
                            JsonObject pending = response(id, created, call, null, new JsonArray());
                            event(holder[0], sequence, "response.created", "response", pending);
                            event(holder[0], sequence, "response.in_progress", "response", pending);
                        }

                        @Override
                        public void text(String piece) throws IOException {
                            Sse sse = holder[0];
                            if (textIndex[0] < 0) {
                                textIndex[0] = output.size();
                                output.add(JsonNull.INSTANCE); // its place, filled at the end
                                JsonObject added = indexed(textIndex[0]);
                                added.add("item", messageItem(messageId, null, "in_progress"));
                                event(sse, sequence, "response.output_item.added", added);
                                JsonObject part = contentIndexed(messageId, textIndex[0]);
                                part.add("part", textPart(""));
                                event(sse, sequence, "response.content_part.added", part);
                            }
                            text.append(piece);
                            JsonObject delta = contentIndexed(messageId, textIndex[0]);
                            delta.addProperty("delta", piece);
                            event(sse, sequence, "response.output_text.delta", delta);
                        }

                        @Override
                        public void toolCall(ToolCall c) throws IOException {
                            Sse sse = holder[0];
                            if (!call.parallelToolCalls() && !calls.isEmpty()) {
                                return;
                            }
                            closeText(sse, sequence, messageId, textIndex[0], text.toString(), output);
                            textIndex[0] = textIndex[0] < 0 ? textIndex[0] : Integer.MIN_VALUE;
                            calls.add(c);
                            int index = output.size();
                            JsonObject added = indexed(index);
                            added.add("item", functionItem(c, "", "in_progress"));
                            event(sse, sequence, "response.output_item.added", added);
                            String itemId = "fc_" + c.id();
                            JsonObject delta = indexed(index);
                            delta.addProperty("item_id", itemId);
                            delta.addProperty("delta", c.argumentsJson());
                            event(sse, sequence, "response.function_call_arguments.delta", delta);
                            JsonObject done = indexed(index);
                            done.addProperty("item_id", itemId);
                            done.addProperty("arguments", c.argumentsJson());
                            event(sse, sequence, "response.function_call_arguments.done", done);
                            JsonObject item = functionItem(c, c.argumentsJson(), "completed");
                            output.add(item);
                            JsonObject itemDone = indexed(index);
                            itemDone.add("item", item);
                            event(sse, sequence, "response.output_item.done", itemDone);
                        }
                    });
            Sse sse = holder[0];
            if (textIndex[0] >= 0) {
                closeText(sse, sequence, messageId, textIndex[0], text.toString(), output);
            } else if (output.isEmpty()) {
                output.add(messageItem(messageId, "", "completed"));
            }
            // Log probabilities, when asked, come whole with the completed response (the engine gives them at the end).
            if (call.logprobs() >= 0 && outcome != null) {
                for (JsonElement item : output) {
                    if (item.isJsonObject() && "message".equals(Fields.string(item.getAsJsonObject(), "type", ""))) {
                        withLogprobs(item.getAsJsonObject(), call, outcome.stats());
                        break;
                    }
                }
            }
            JsonObject answer = response(id, created, call, outcome, output);
            keep(call, id, answer, history, text.toString(), calls);
            event(sse, sequence, "response.completed", "response", answer);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client left, response {0} cancelled", id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ApiError e) {
            if (holder[0] == null) {
                throw e; // nothing written yet: a plain error answer
            }
            Sse sse = holder[0];
            try {
                JsonObject error = new JsonObject();
                error.addProperty("code", e.code());
                error.addProperty("message", e.getMessage());
                error.addProperty("param", e.param());
                event(sse, sequence, "error", error);
            } catch (IOException gone) {
                // Nobody left to tell.
            }
        }
    }

    /** The text item's closing events, once: output_text.done, content_part.done, output_item.done. */
    private static void closeText(Sse sse, int[] sequence, String messageId, int index, String text, JsonArray output)
            throws IOException {
        if (index < 0) {
            return;
        }
        JsonObject done = contentIndexed(messageId, index);
        done.addProperty("text", text);
        event(sse, sequence, "response.output_text.done", done);
        JsonObject part = contentIndexed(messageId, index);
        part.add("part", textPart(text));
        event(sse, sequence, "response.content_part.done", part);
        JsonObject item = messageItem(messageId, text, "completed");
        output.set(index, item);
        JsonObject itemDone = indexed(index);
        itemDone.add("item", item);
        event(sse, sequence, "response.output_item.done", itemDone);
    }

    private static void event(Sse sse, int[] sequence, String type, String field, JsonObject value)
            throws IOException {
        JsonObject e = new JsonObject();
        e.add(field, value);
        event(sse, sequence, type, e);
    }

    private static void event(Sse sse, int[] sequence, String type, JsonObject body) throws IOException {
        JsonObject e = new JsonObject();
        e.addProperty("type", type);
        e.addProperty("sequence_number", sequence[0]++);
        for (var entry : body.entrySet()) {
            e.add(entry.getKey(), entry.getValue());
        }
        sse.event(type, e.toString());
    }

    private static JsonObject indexed(int outputIndex) {
        JsonObject o = new JsonObject();
        o.addProperty("output_index", outputIndex);
        return o;
    }

    private static JsonObject contentIndexed(String itemId, int outputIndex) {
        JsonObject o = new JsonObject();
        o.addProperty("item_id", itemId);
        o.addProperty("output_index", outputIndex);
        o.addProperty("content_index", 0);
        return o;
    }

    private static List<ToolCall> calls(ResponsesRequests.Call call, List<ToolCall> calls) {
        return call.parallelToolCalls() || calls.size() <= 1 ? calls : calls.subList(0, 1);
    }

    /** Keeps the response and its conversation for previous_response_id, unless store is false. */
    private void keep(ResponsesRequests.Call call, String id, JsonObject answer, List<ChatMessage> history, String text,
            List<ToolCall> calls) {
        if (!call.store()) {
            return;
        }
        List<ChatMessage> conversation = new ArrayList<>(history);
        conversation.add(calls.isEmpty() ? ChatMessage.assistant(text) : ChatMessage.assistant(text, calls));
        store.put(id, new ResponseStore.Stored(answer, List.copyOf(conversation)));
    }

    /** Adds {@code logprobs} to a message item's text part, when the call asked for them. */
    private static JsonObject withLogprobs(JsonObject item, ResponsesRequests.Call call, GenerationStats stats) {
        if (call.logprobs() < 0) {
            return item;
        }
        JsonArray content = item.getAsJsonArray("content");
        if (content != null && !content.isEmpty()) {
            content.get(0).getAsJsonObject().add("logprobs",
                    org.terroir.web.internal.openai.LogprobsJson.content(stats.logprobs()));
        }
        return item;
    }

    static JsonObject textPart(String text) {
        JsonObject p = new JsonObject();
        p.addProperty("type", "output_text");
        p.addProperty("text", text);
        p.add("annotations", new JsonArray());
        return p;
    }

    /** A message item; {@code text} null while in progress (no content yet). */
    static JsonObject messageItem(String id, String text, String status) {
        JsonObject m = new JsonObject();
        m.addProperty("type", "message");
        m.addProperty("id", id);
        m.addProperty("status", status);
        m.addProperty("role", "assistant");
        JsonArray content = new JsonArray();
        if (text != null) {
            content.add(textPart(text));
        }
        m.add("content", content);
        return m;
    }

    static JsonObject functionItem(ToolCall c, String arguments, String status) {
        JsonObject f = new JsonObject();
        f.addProperty("type", "function_call");
        f.addProperty("id", "fc_" + c.id());
        f.addProperty("call_id", c.id());
        f.addProperty("name", c.name());
        f.addProperty("arguments", arguments);
        f.addProperty("status", status);
        return f;
    }

    /** The response object; {@code outcome} null while in progress. */
    private static JsonObject response(String id, long created, ResponsesRequests.Call call,
            Streaming.Outcome outcome, JsonArray output) {
        JsonObject r = new JsonObject();
        r.addProperty("id", id);
        r.addProperty("object", "response");
        r.addProperty("created_at", created);
        boolean incomplete = outcome != null && (outcome.limitReached()
                || outcome.stats().finishReason() == FinishReason.LENGTH
                || outcome.stats().finishReason() == FinishReason.CONTEXT_FULL);
        r.addProperty("status", outcome == null ? "in_progress" : incomplete ? "incomplete" : "completed");
        r.add("error", JsonNull.INSTANCE);
        if (incomplete) {
            JsonObject details = new JsonObject();
            details.addProperty("reason", "max_output_tokens");
            r.add("incomplete_details", details);
        } else {
            r.add("incomplete_details", JsonNull.INSTANCE);
        }
        r.addProperty("instructions", call.instructions());
        if (call.maxOutputTokens() == null) {
            r.add("max_output_tokens", JsonNull.INSTANCE);
        } else {
            r.addProperty("max_output_tokens", call.maxOutputTokens());
        }
        r.addProperty("model", call.model());
        r.add("output", output);
        r.addProperty("parallel_tool_calls", call.parallelToolCalls());
        r.addProperty("previous_response_id", call.previousResponseId());
        r.addProperty("store", call.store());
        r.addProperty("temperature", call.sampling().temperature());
        r.addProperty("top_p", call.sampling().topP());
        r.add("tool_choice", call.echo().has("tool_choice") ? call.echo().get("tool_choice")
                : new com.google.gson.JsonPrimitive("auto"));
        r.add("tools", call.echo().has("tools") ? call.echo().get("tools") : new JsonArray());
        JsonObject text = new JsonObject();
        JsonElement format = call.echo().has("text") && call.echo().getAsJsonObject("text").has("format")
                ? call.echo().getAsJsonObject("text").get("format") : null;
        if (format == null) {
            JsonObject f = new JsonObject();
            f.addProperty("type", "text");
            format = f;
        }
        text.add("format", format);
        r.add("text", text);
        r.addProperty("truncation", "disabled");
        r.add("metadata", call.echo().has("metadata") ? call.echo().get("metadata") : new JsonObject());
        r.add("usage", outcome == null ? JsonNull.INSTANCE : usage(outcome.stats()));
        return r;
    }

    /** Usage as the Responses API writes it, with Terroir's {@code energy} extension when known. */
    static JsonObject usage(GenerationStats stats) {
        JsonObject u = new JsonObject();
        u.addProperty("input_tokens", stats.promptTokens());
        JsonObject in = new JsonObject();
        in.addProperty("cached_tokens", stats.cachedPromptTokens());
        u.add("input_tokens_details", in);
        u.addProperty("output_tokens", stats.generatedTokens());
        JsonObject out = new JsonObject();
        out.addProperty("reasoning_tokens", 0);
        u.add("output_tokens_details", out);
        u.addProperty("total_tokens", stats.promptTokens() + stats.generatedTokens());
        if (stats.energy() != null) {
            u.add("energy", Responses.energy(stats.energy()));
        }
        return u;
    }

    private static void writeJson(HttpServletResponse response, Object body) throws IOException {
        ApiCalls.writeJson(response, body);
    }
}

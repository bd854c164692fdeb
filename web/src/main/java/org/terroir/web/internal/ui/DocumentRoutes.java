package org.terroir.web.internal.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.terroir.api.TerroirException;
import org.terroir.api.TerroirHome;
import org.terroir.api.chat.AttachedDocument;
import org.terroir.api.chat.ChatDocuments;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatReply;
import org.terroir.api.chat.ChatTurn;
import org.terroir.api.chat.DocumentCollection;
import org.terroir.web.internal.Texts;
import org.terroir.web.internal.http.ApiError;
import org.terroir.web.internal.http.BoundedBody;
import org.terroir.web.internal.http.ErrorKinds;
import org.terroir.web.internal.http.Sse;
import org.terroir.web.internal.http.TimeLimit;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The page's documents routes (and the file upload the API's {@code /v1/terroir/documents} shares): attach a
 * file sent as base64 JSON to a conversation or a collection, list, remove, summarise (streamed), collections.
 * Errors are {@code {"error": {"message", "kind", "type", "code"}}}, the message in the reader's language.
 */
public final class DocumentRoutes {
    /** Largest document accepted, decoded. */
    static final long MAX_DOCUMENT_BYTES = 48L * 1024 * 1024;
    /** Its base64 with the JSON around it. */
    public static final long MAX_BODY_BYTES = MAX_DOCUMENT_BYTES / 3 * 4 + 64 * 1024;

    private DocumentRoutes() {
    }

    /** A file sent in a JSON body: {@code name} and {@code data} (base64), written to a private temporary folder. */
    public record Upload(Path folder, Path file) implements AutoCloseable {
        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(folder);
            } catch (IOException ignored) {
                // in TERROIR_HOME/cache, private; removed with the cache
            }
        }
    }

    public static JsonObject body(HttpServletRequest request, long limit, Locale reader) throws IOException {
        String text;
        try {
            text = BoundedBody.read(request.getInputStream(), request.getContentLengthLong(), limit);
        } catch (ApiError e) {
            if (e.status() == 413) {
                throw new ApiError(413, "invalid_request_error", "request_too_large", "data",
                        Texts.get(reader, "documents.tooLarge", MAX_DOCUMENT_BYTES / (1024 * 1024)));
            }
            throw e;
        }
        try {
            JsonElement e = JsonParser.parseString(text.isBlank() ? "{}" : text);
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            // answered below
        }
        throw ApiError.badRequest("invalid_json", null, Texts.get(reader, "error.json.object"));
    }

    public static String string(JsonObject body, String name, boolean required, Locale reader) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw ApiError.badRequest("missing_required_parameter", name,
                        Texts.get(reader, "error.field.missing", name));
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiError.badRequest("invalid_type", name, Texts.get(reader, "error.field.type", name, "string"));
        }
        String v = e.getAsString();
        if (required && v.isBlank()) {
            throw ApiError.badRequest("missing_required_parameter", name, Texts.get(reader, "error.field.missing", name));
        }
        return v;
    }

    /** The file of {@code name} and {@code data}, in a private folder of TERROIR_HOME/cache; close() removes it. */
    public static Upload upload(JsonObject body, Locale reader) throws IOException {
        String name = string(body, "name", true, reader).strip();
        if (name.length() > 200 || name.startsWith(".") || !name.matches("[^/\\\\:*?\"<>|\\p{Cntrl}]+")) {
            throw ApiError.badRequest("invalid_value", "name", Texts.get(reader, "documents.name", name));
        }
        String data = string(body, "data", true, reader);
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_value", "data", Texts.get(reader, "documents.base64"));
        }
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw new ApiError(413, "invalid_request_error", "request_too_large", "data",
                    Texts.get(reader, "documents.tooLarge", MAX_DOCUMENT_BYTES / (1024 * 1024)));
        }
        Path folder = TerroirHome.cache().resolve("uploads").resolve(UUID.randomUUID().toString());
        TerroirHome.createPrivateDirectories(folder);
        Path file = folder.resolve(name);
        Files.write(file, bytes);
        TerroirHome.makePrivate(file);
        return new Upload(folder, file);
    }

    /** The contract's view of a document: pages and sections null when the format has none. */
    public static Map<String, Object> view(AttachedDocument d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("kind", d.format());
        m.put("pages", d.pages() > 0 ? d.pages() : null);
        m.put("sections", d.sections() > 0 ? d.sections() : null);
        m.put("passages", d.passages());
        m.put("tokens", d.tokens());
        m.put("mode", d.mode());
        m.put("indexMillis", d.indexMillis());
        m.put("indexBytes", d.indexBytes());
        return m;
    }

    public static Map<String, Object> view(DocumentCollection c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("documents", c.documents());
        m.put("passages", c.passages());
        m.put("indexBytes", c.indexBytes());
        m.put("folder", c.folder().toString());
        return m;
    }

    static List<Map<String, Object>> views(List<AttachedDocument> docs) {
        List<Map<String, Object>> out = new ArrayList<>();
        docs.forEach(d -> out.add(view(d)));
        return out;
    }

    /** {@code GET /api/documents?conversation=|collection=}. */
    static Object list(ChatDocuments docs, HttpServletRequest request, Locale reader) {
        String conversation = request.getParameter("conversation");
        String collection = request.getParameter("collection");
        Map<String, Object> out = new LinkedHashMap<>();
        if (conversation != null && !conversation.isBlank()) {
            out.put("documents", views(docs.documents(conversation)));
            out.put("collection", docs.collection(conversation).orElse(null));
        } else if (collection != null && !collection.isBlank()) {
            out.put("documents", views(docs.collectionDocuments(collection)));
            out.put("collection", collection);
        } else {
            throw ApiError.badRequest("missing_required_parameter", "conversation",
                    Texts.get(reader, "error.field.missing", "conversation"));
        }
        out.put("collections", docs.collections().stream().map(DocumentRoutes::view).toList());
        return out;
    }

    /** {@code POST /api/documents/attach}. */
    static Object attach(ChatDocuments docs, HttpServletRequest request, Locale reader) throws IOException {
        JsonObject body = body(request, MAX_BODY_BYTES, reader);
        String conversation = string(body, "conversation", false, reader);
        String collection = string(body, "collection", false, reader);
        if ((conversation == null || conversation.isBlank()) && (collection == null || collection.isBlank())) {
            throw ApiError.badRequest("missing_required_parameter", "conversation",
                    Texts.get(reader, "error.field.missing", "conversation"));
        }
        try (Upload upload = upload(body, reader)) {
            AttachedDocument d = conversation != null && !conversation.isBlank()
                    ? docs.attach(conversation, upload.file())
                    : docs.addToCollection(collection, upload.file());
            return view(d);
        }
    }

    /** {@code POST /api/documents/remove}. */
    static Object remove(ChatDocuments docs, HttpServletRequest request, Locale reader) throws IOException {
        JsonObject body = body(request, 64 * 1024, reader);
        String name = string(body, "name", true, reader);
        String conversation = string(body, "conversation", false, reader);
        boolean removed = conversation != null && !conversation.isBlank() ? docs.detach(conversation, name)
                : docs.removeFromCollection(string(body, "collection", true, reader), name);
        return Map.of("removed", removed);
    }

    /** {@code GET /api/collections}. */
    static Object collections(ChatDocuments docs) {
        return Map.of("collections", docs.collections().stream().map(DocumentRoutes::view).toList());
    }

    /** {@code POST /api/collections/create} {"name"} and {@code POST /api/collections/use} {"conversation","collection"}. */
    static Object collectionAction(ChatDocuments docs, String action, HttpServletRequest request, Locale reader)
            throws IOException {
        JsonObject body = body(request, 64 * 1024, reader);
        switch (action) {
            case "create":
                return view(docs.createCollection(string(body, "name", true, reader).strip()));
            case "use":
                String conversation = string(body, "conversation", true, reader);
                docs.useCollection(conversation, string(body, "collection", false, reader));
                return Map.of("conversation", conversation, "collection",
                        docs.collection(conversation).map(Object.class::cast).orElse(""));
            default:
                throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                        Texts.get(reader, "error.url", "POST", request.getRequestURI()));
        }
    }

    /**
     * {@code POST /api/documents/summarize}: events {@code user}, {@code progress} {"part","parts"}, {@code token},
     * then {@code done} (the stored answer) or {@code error}, as the chat's send streams.
     */
    static void summarize(ChatDocuments docs, HttpServletRequest request, HttpServletResponse response, Locale reader,
            Gson json, long maxSeconds) throws IOException {
        JsonObject body = body(request, 64 * 1024, reader);
        String conversation = string(body, "conversation", true, reader);
        String name = string(body, "name", true, reader);
        BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
        // in the reader's language: the page's routes run in it (UiServlet.service)
        ChatTurn turn = docs.summarize(conversation, name,
                new ChatListener() {
                    @Override
                    public void onToken(String piece) {
                        events.add(new Object[] { "token", Map.of("text", piece) });
                    }

                    @Override
                    public void onProgress(int part, int parts) {
                        events.add(new Object[] { "progress", Map.of("part", part, "parts", parts) });
                    }
                });
        Sse sse = new Sse(response);
        // generous: every part is one generation
        try (TimeLimit limit = TimeLimit.of(turn::cancel, (int) Math.min(Integer.MAX_VALUE, maxSeconds * 8))) {
            sse.event("user", json.toJson(turn.userMessage()));
            while (true) {
                Object[] event = events.poll(100, TimeUnit.MILLISECONDS);
                if (event != null) {
                    sse.event((String) event[0], json.toJson(event[1]));
                } else if (turn.result().isDone() && events.isEmpty()) {
                    break;
                }
            }
            try {
                ChatReply reply = turn.await();
                sse.event("done", json.toJson(reply));
            } catch (RuntimeException e) {
                sse.event("error", json.toJson(Map.of("message", ApiError.shortMessage(e.getMessage()))));
            }
        } catch (IOException e) {
            turn.cancel();
        } catch (InterruptedException e) {
            turn.cancel();
            Thread.currentThread().interrupt();
        }
    }

    /** A refusal of the chat or documents services, as the contract writes errors (with the kind). */
    static void write(TerroirException e, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        ErrorKinds.Mapping m = ErrorKinds.of(e.kind());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", ApiError.shortMessage(e.getMessage()));
        error.put("kind", e.kind() == null ? "INTERNAL" : e.kind().name());
        error.put("type", m.type());
        error.put("code", e.code());
        response.resetBuffer();
        response.setStatus(e.code() != null && e.code().equals("documents.too.large") ? 413 : m.status());
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(new Gson().toJson(Map.of("error", error)));
    }
}

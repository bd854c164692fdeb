package org.terroir.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.catalog.ImportMode;
import org.terroir.api.catalog.ModelLibrary;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.gguf.TinyLlama;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Chat with documents in the real platform: a generated PDF much bigger than a tiny model's 512-token context, one
 * topic per page, attached through the page's endpoint and through the shell; questions about page k are answered
 * with citations whose first passage is on page k (retrieval by the real all-MiniLM-L6-v2 the distribution ships;
 * the tiny model's words are random, only the citations are checked), kept with the stored answer. A small document
 * that fits is given whole; a PDF without a text layer is refused in the reader's language.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentsIT {
    /** Page topics: a heading, what the page says, a question that paraphrases it. */
    static final String[][] PAGES = {
        {"Housing", "Rents in the old town rose by twenty percent in two years and many tenants had to move out to the suburbs.",
            "How much did rents increase?"},
        {"Water", "The river was polluted by the chemical factory upstream; thousands of fish died in the summer heat.",
            "What happened to the fish in the river?"},
        {"School canteens", "Parents asked for organic, local meals in the school canteens at the same price as today.",
            "What do parents want children to eat at school?"},
        {"Cycling", "A protected bike lane along the main avenue would make cycling to work much safer for commuters.",
            "How can riding a bicycle to the office become less dangerous?"},
        {"Library", "The public library will close on Sundays because the council cut its budget by a third.",
            "Why will the library no longer open on Sundays?"},
        {"Trees", "Forty old plane trees on the market square are threatened by the underground car park project.",
            "Which trees could be cut down for parking?"},
        {"Night buses", "The night bus line 12 was cancelled, leaving night-shift nurses and cleaners without transport.",
            "Which public transport service at night was stopped?"},
        {"Insulation", "Insulating the social housing blocks would halve the tenants' heating bills every winter.",
            "How could heating costs be reduced for tenants?"},
        {"Maternity", "The local maternity ward is to close and mothers would have to drive an hour to give birth.",
            "Where will women go to have their babies?"},
        {"Warehouse jobs", "The logistics warehouse plans to replace two hundred workers with robots next year.",
            "How many employees could lose their jobs to automation?"},
        {"Airport noise", "Residents near the airport complain about night flights waking them at four in the morning.",
            "What wakes people up near the airport?"},
        {"Swimming pool", "The municipal swimming pool has been closed for repairs for eighteen months already.",
            "How long has the pool been shut?"},
    };
    /** The pages the questions are about (1-based), spread over the document. */
    static final int[] ASKED = {2, 5, 9, 12};

    @TempDir
    static Path dir;
    static WebPlatform web;
    static String modelId;
    static byte[] report;

    @BeforeAll
    static void boot() throws Exception {
        web = WebPlatform.start(dir.resolve("home"));
        Path model = dir.resolve("tiny.gguf");
        TinyLlama.unitTest().build().write(model);
        String name = web.service(ModelLibrary.class).importFile(model, "local/tiny", ImportMode.COPY).name();
        JsonArray loaded = JsonParser.parseString(web.post("/api/models-load", "{\"ref\":\"" + name
                + "\",\"contextLength\":512}").body()).getAsJsonArray();
        modelId = loaded.get(0).getAsJsonObject().get("id").getAsString();
        report = pdf(PAGES);
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    /** One page per topic: its heading, what it says, and two sentences of the report's own that every page has. */
    static byte[] pdf(String[][] pages) throws IOException {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (int i = 0; i < pages.length; i++) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    s.beginText();
                    s.setFont(font, 12);
                    s.setLeading(16);
                    s.newLineAtOffset(60, 720);
                    List<String> lines = new ArrayList<>();
                    lines.add("Section " + (i + 1) + ": " + pages[i][0]);
                    lines.add("");
                    lines.addAll(wrap(pages[i][1]));
                    lines.add("");
                    lines.addAll(wrap("This page of the annual report of the town council was written by the"
                            + " residents' committee after the public meeting of the spring, with the figures the"
                            + " services gave."));
                    for (String line : lines) {
                        s.showText(line);
                        s.newLine();
                    }
                    s.endText();
                }
            }
            doc.save(out);
            return out.toByteArray();
        }
    }

    /** A blank page: what a scan without a text layer gives the extractor. */
    static byte[] blankPdf() throws IOException {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            doc.addPage(new PDPage());
            doc.save(out);
            return out.toByteArray();
        }
    }

    static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() + word.length() > 80) {
                lines.add(line.toString().strip());
                line.setLength(0);
            }
            line.append(word).append(' ');
        }
        lines.add(line.toString().strip());
        return lines;
    }

    private static JsonObject object(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** A conversation with the tiny model, no system prompt, short answers (room for passages in 512 tokens). */
    private static String conversation() throws Exception {
        String id = object(web.post("/api/conversations", "{\"modelRef\":\"" + modelId
                + "\",\"systemPrompt\":\"\"}")).get("id").getAsString();
        web.service(ChatService.class).update(id, ConversationSettings.empty()
                .withSampling(Sampling.defaults().withMaxTokens(16).withTemperature(0)));
        return id;
    }

    private static String attachBody(String key, String value, String name, byte[] data) {
        JsonObject body = new JsonObject();
        body.addProperty(key, value);
        body.addProperty("name", name);
        body.addProperty("data", Base64.getEncoder().encodeToString(data));
        return body.toString();
    }

    /** Sends a question through the page's stream; the stored answer of its "done" event. */
    private static JsonObject ask(String id, String question) throws Exception {
        JsonObject text = new JsonObject();
        text.addProperty("text", question);
        HttpResponse<String> stream = web.post("/api/conversations/" + id + "/send", text.toString());
        assertEquals(200, stream.statusCode(), stream.body());
        String done = stream.body().lines().dropWhile(l -> !l.equals("event: done")).skip(1).findFirst()
                .orElseThrow(() -> new AssertionError(stream.body()));
        return JsonParser.parseString(done.substring("data: ".length())).getAsJsonObject().getAsJsonObject("message");
    }

    private static int firstCitedPage(JsonObject message) {
        JsonArray citations = message.getAsJsonArray("citations");
        assertNotNull(citations, message.toString());
        assertTrue(citations.size() >= 1, "the answer cites passages: " + message);
        JsonObject first = citations.get(0).getAsJsonObject();
        assertEquals(1, first.get("n").getAsInt());
        assertEquals("town-report.pdf", first.get("document").getAsString());
        return first.get("page").getAsInt();
    }

    @Test
    @Order(1)
    void aDocumentBiggerThanTheContextIsIndexedAndTheAnswersCiteTheRightPage() throws Exception {
        String id = conversation();
        JsonObject attached = object(web.post("/api/documents/attach", attachBody("conversation", id,
                "town-report.pdf", report)));
        assertEquals("town-report.pdf", attached.get("name").getAsString());
        assertEquals("pdf", attached.get("kind").getAsString());
        assertEquals(PAGES.length, attached.get("pages").getAsInt());
        assertEquals("indexed", attached.get("mode").getAsString(), attached.toString());
        assertTrue(attached.get("tokens").getAsLong() > 512, "bigger than the context: " + attached);
        assertTrue(attached.get("passages").getAsInt() >= PAGES.length, attached.toString());
        assertTrue(attached.get("indexBytes").getAsLong() > PAGES.length * 384 * 4, attached.toString());
        assertTrue(attached.get("indexMillis").getAsLong() >= 0, attached.toString());

        JsonObject listed = object(web.get("/api/documents?conversation=" + id));
        assertEquals(1, listed.getAsJsonArray("documents").size(), listed.toString());

        List<Long> answers = new ArrayList<>();
        for (int k : ASKED) {
            JsonObject answer = ask(id, PAGES[k - 1][2]);
            assertEquals(k, firstCitedPage(answer), "question about page " + k + ": " + answer);
            assertTrue(answer.getAsJsonObject("stats").get("promptTokens").getAsInt() < 512, "the prompt fits");
            answers.add(answer.get("id").getAsLong());
        }
        // kept with the stored answers: the conversation as the page reads it again
        JsonObject stored = object(web.get("/api/conversations/" + id));
        int i = 0;
        for (var m : stored.getAsJsonArray("messages")) {
            JsonObject message = m.getAsJsonObject();
            if (answers.contains(message.get("id").getAsLong())) {
                assertEquals(ASKED[i++], firstCitedPage(message), message.toString());
            }
        }
        assertEquals(ASKED.length, i);
        String markdown = web.get("/api/conversations/" + id + "/export?format=md").body();
        assertTrue(markdown.contains("> [1] town-report.pdf, p. " + ASKED[0] + " — "), markdown);
        JsonObject json = JsonParser.parseString(web.get("/api/conversations/" + id + "/export?format=json").body())
                .getAsJsonObject();
        assertTrue(json.toString().contains("\"citations\":[{\"n\":1,\"document\":\"town-report.pdf\",\"page\":"
                + ASKED[0] + ","), "the JSON export keeps the citations");

        // a question so long that no excerpt fits beside it: the answer is made without them, and the page is told
        String seen = null;
        for (int words = 20; words <= 400 && seen == null; words += 20) {
            JsonObject text = new JsonObject();
            text.addProperty("text", "budget ".repeat(words) + "?");
            HttpResponse<String> stream = web.post("/api/conversations/" + id + "/send", text.toString());
            assertEquals(200, stream.statusCode(), stream.body());
            assertFalse(stream.body().contains("event: error"), "a question of " + words + " words: " + stream.body());
            if (stream.body().contains("event: documents-left-out")) {
                seen = stream.body();
            }
        }
        assertNotNull(seen, "no question left the excerpts out");
        assertTrue(seen.indexOf("event: documents-left-out") < seen.indexOf("event: done"), seen);

        assertEquals(true, object(web.post("/api/documents/remove", "{\"conversation\":\"" + id
                + "\",\"name\":\"town-report.pdf\"}")).get("removed").getAsBoolean());
        assertEquals(0, object(web.get("/api/documents?conversation=" + id)).getAsJsonArray("documents").size());
    }

    @Test
    @Order(2)
    void aSmallDocumentIsGivenWhole() throws Exception {
        String id = conversation();
        byte[] notes = "# Picnic\n\nThe picnic is on Saturday at noon by the lake.\n".getBytes(StandardCharsets.UTF_8);
        JsonObject attached = object(web.post("/api/documents/attach", attachBody("conversation", id, "notes.md",
                notes)));
        assertEquals("markdown", attached.get("kind").getAsString());
        assertEquals("whole", attached.get("mode").getAsString(), attached.toString());
        assertTrue(!attached.has("pages") || attached.get("pages").isJsonNull(), attached.toString());
        // given whole: the note is in the prompt (the model counts its tokens), the answer cites only what it names
        JsonObject answer = ask(id, "When is the picnic?");
        int promptTokens = answer.getAsJsonObject("stats").get("promptTokens").getAsInt();
        JsonObject bare = ask(conversation(), "When is the picnic?");
        int without = bare.getAsJsonObject("stats").get("promptTokens").getAsInt();
        assertTrue(promptTokens >= without + attached.get("tokens").getAsInt(),
                "the document went into the prompt: " + promptTokens + " tokens, " + without + " without it");
    }

    @Test
    @Order(3)
    void aScannedPdfIsRefusedWithWhatToDoInTheReadersLanguage() throws Exception {
        String id = conversation();
        HttpResponse<String> en = web.post("/api/documents/attach?lang=en", attachBody("conversation", id,
                "scan.pdf", blankPdf()));
        assertEquals(400, en.statusCode(), en.body());
        JsonObject error = JsonParser.parseString(en.body()).getAsJsonObject().getAsJsonObject("error");
        assertEquals("BAD_REQUEST", error.get("kind").getAsString(), en.body());
        assertTrue(error.get("message").getAsString().contains("OCR"), en.body());
        HttpResponse<String> fr = web.post("/api/documents/attach?lang=fr", attachBody("conversation", id,
                "scan.pdf", blankPdf()));
        String message = JsonParser.parseString(fr.body()).getAsJsonObject().getAsJsonObject("error").get("message")
                .getAsString();
        assertTrue(message.contains("PDF scanné"), fr.body());
    }

    @Test
    @Order(4)
    void theShellAttachesListsAndAnswersWithSources() throws Exception {
        String id = conversation();
        Path file = dir.resolve("town-report.pdf");
        Files.write(file, report);
        String listed = shell("docs attach " + id + " " + file + "; docs list " + id, "");
        assertTrue(listed.contains("town-report.pdf (pdf, " + PAGES.length), listed);
        int k = ASKED[1];
        String chat = shell("chat --conversation " + id, PAGES[k - 1][2] + "\n/exit\n");
        assertTrue(chat.contains("[1] town-report.pdf, p. " + k + " "), "the sources of the answer: " + chat);
        JsonObject stored = object(web.get("/api/conversations/" + id));
        JsonArray messages = stored.getAsJsonArray("messages");
        assertEquals(k, firstCitedPage(messages.get(messages.size() - 1).getAsJsonObject()));
    }

    @Test
    @Order(5)
    void aCollectionIsSharedAndReindexedWhenAFileChanges() throws Exception {
        JsonObject created = object(web.post("/api/collections/create", "{\"name\":\"council\"}"));
        Path folder = Path.of(created.get("folder").getAsString());
        Files.write(folder.resolve("town-report.pdf"), report); // a file put in the folder by hand
        String a = conversation();
        String b = conversation();
        for (String id : List.of(a, b)) {
            object(web.post("/api/collections/use", "{\"conversation\":\"" + id + "\",\"collection\":\"council\"}"));
        }
        int k = ASKED[2];
        assertEquals(k, firstCitedPage(ask(a, PAGES[k - 1][2])));
        assertEquals(k, firstCitedPage(ask(b, PAGES[k - 1][2])));
        JsonObject list = object(web.get("/api/collections"));
        JsonObject council = list.getAsJsonArray("collections").get(0).getAsJsonObject();
        assertEquals(1, council.get("documents").getAsInt(), list.toString());
        assertTrue(council.get("indexBytes").getAsLong() > 0, list.toString());

        // the file changes: two pages swapped; the next question finds the topic on its new page
        String[][] swapped = PAGES.clone();
        swapped[0] = PAGES[k - 1];
        swapped[k - 1] = PAGES[0];
        Files.write(folder.resolve("town-report.pdf"), pdf(swapped));
        assertEquals(1, firstCitedPage(ask(a, PAGES[k - 1][2])), "re-indexed on use");

        // the file removed from the folder: forgotten at the next use
        Files.delete(folder.resolve("town-report.pdf"));
        JsonObject docs = object(web.get("/api/documents?collection=council"));
        assertEquals(0, docs.getAsJsonArray("documents").size(), docs.toString());
        JsonObject after = ask(b, PAGES[k - 1][2]);
        assertTrue(!after.has("citations") || after.getAsJsonArray("citations").isEmpty(), after.toString());
    }

    @Test
    @Order(6)
    void otherProgramsAskACollectionThroughTheApiExtension() throws Exception {
        JsonObject added = object(web.post("/v1/terroir/documents", attachBody("collection", "api-docs",
                "town-report.pdf", report)));
        assertEquals("indexed", added.get("mode").getAsString(), added.toString());
        int k = ASKED[3];
        JsonObject body = new JsonObject();
        body.addProperty("model", modelId);
        body.addProperty("max_tokens", 8);
        body.addProperty("terroir_collection", "api-docs");
        JsonArray messages = new JsonArray();
        JsonObject user = new JsonObject();
        user.addProperty("role", "user");
        user.addProperty("content", PAGES[k - 1][2]);
        messages.add(user);
        body.add("messages", messages);
        JsonObject answer = object(web.post("/v1/chat/completions", body.toString()));
        JsonArray citations = answer.getAsJsonArray("terroir_citations");
        assertNotNull(citations, answer.toString());
        assertEquals(k, citations.get(0).getAsJsonObject().get("page").getAsInt(), answer.toString());
        assertEquals(1, answer.getAsJsonArray("choices").size());

        body.addProperty("stream", true);
        HttpResponse<String> stream = web.post("/v1/chat/completions", body.toString());
        assertEquals(200, stream.statusCode(), stream.body());
        assertTrue(stream.body().contains("\"terroir_citations\""), stream.body());

        body.addProperty("terroir_collection", "no-such-collection");
        HttpResponse<String> missing = web.post("/v1/chat/completions", body.toString());
        assertEquals(404, missing.statusCode(), missing.body());
    }

    @Test
    @Order(7)
    void aLongDocumentIsSummarisedByPartsWithProgress() throws Exception {
        String id = conversation();
        object(web.post("/api/documents/attach", attachBody("conversation", id, "town-report.pdf", report)));
        HttpResponse<String> stream = web.post("/api/documents/summarize", "{\"conversation\":\"" + id
                + "\",\"name\":\"town-report.pdf\"}");
        assertEquals(200, stream.statusCode(), stream.body());
        List<String> lines = stream.body().lines().toList();
        List<JsonObject> steps = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals("event: progress")) {
                steps.add(JsonParser.parseString(lines.get(i + 1).substring("data: ".length())).getAsJsonObject());
            }
        }
        assertTrue(steps.size() >= 3, "a document this long takes several parts: " + stream.body());
        int parts = steps.get(0).get("parts").getAsInt();
        assertTrue(parts >= 2, steps.toString());
        for (int i = 0; i < steps.size(); i++) {
            assertEquals(i + 1, steps.get(i).get("part").getAsInt(), steps.toString());
        }
        assertEquals(parts + 1, steps.get(steps.size() - 1).get("part").getAsInt(), "then combined: " + steps);
        assertTrue(stream.body().contains("event: done"), stream.body());
        JsonArray messages = object(web.get("/api/conversations/" + id)).getAsJsonArray("messages");
        assertEquals(2, messages.size(), "the request and the summary are stored: " + messages);
        assertTrue(messages.get(0).getAsJsonObject().get("content").getAsString().contains("town-report.pdf"));
    }

    @Test
    @Order(8)
    void theRoutesSitBehindTheGuardAndRefuseADocumentTooLarge() throws Exception {
        String id = conversation();
        String body = attachBody("conversation", id, "notes.md", "# A\n\nb\n".getBytes(StandardCharsets.UTF_8));
        // no page secret: 401, whatever the route
        HttpResponse<String> anonymous = web.send(HttpRequest.newBuilder(URI.create(web.base()
                + "/api/documents/attach")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        // the page's secret but not JSON: 415
        HttpResponse<String> form = web.send(web.asPage("/api/documents/attach")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=notes.md")).build());
        assertEquals(415, form.statusCode(), form.body());
        // more than 48 MiB: 413, said in the reader's language, nothing attached
        // Declared as 66 MB with Expect: 100-continue, as a client should send it, on a plain socket: the server answers
        // 413 from the declared length before any byte of the body (the JDK client cannot read a final answer to
        // Expect, and without Expect the refusal and the connection's close race the upload).
        String tooLarge = declareTooLarge(web, "/api/documents/attach?lang=fr", 66L * 1024 * 1024);
        assertTrue(tooLarge.startsWith("HTTP/1.1 413"), tooLarge);
        assertTrue(tooLarge.contains("trop gros"), tooLarge);
        assertEquals(0, object(web.get("/api/documents?conversation=" + id)).getAsJsonArray("documents").size());
        // a name with a folder in it is refused before anything is written
        HttpResponse<String> path = web.post("/api/documents/attach", attachBody("conversation", id, "../evil.md",
                "x".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, path.statusCode(), path.body());
    }

    /** Sends only the head of a POST whose body would be {@code length} bytes; the server's whole answer. */
    private static String declareTooLarge(WebPlatform web, String path, long length) throws IOException {
        URI base = URI.create(web.base());
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nCookie: " + web.asPage(path).build().headers().firstValue("Cookie").orElseThrow()
                    + "\r\nX-Terroir-Page: 1\r\nContent-Type: application/json\r\nContent-Length: " + length
                    + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // The final answer (after a "100 Continue" if the server sends one), read up to its Content-Length: the
            // server may then wait for the body it was announced.
            java.io.InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                String text = got.toString(StandardCharsets.UTF_8).replaceFirst("^HTTP/1.1 100[^\r]*\r\n(.*\r\n)*?\r\n", "");
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                            .matcher(text.substring(0, end));
                    int body = m.find() ? Integer.parseInt(m.group(1)) : 0;
                    if (text.getBytes(StandardCharsets.UTF_8).length >= end + 4 + body) {
                        return text;
                    }
                }
                int n = in.read(buffer);
                if (n < 0) {
                    return text;
                }
                got.write(buffer, 0, n);
            }
        }
    }

    /** Shell commands as the launcher runs a script, with {@code input} typed. */
    private static String shell(String commands, String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = web.platform.execute(commands, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                    o, e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        return text;
    }
}

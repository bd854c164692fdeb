package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatReply;
import org.terroir.api.chat.ChatTurn;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.chat.ExportFormat;
import org.terroir.api.chat.SearchHit;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.ChatMessage.Role;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Sampling;
import org.terroir.testkit.model.ScriptedModel;

class ChatServiceTest {
    @TempDir
    Path dataDir;

    private final List<StoredChatService> started = new ArrayList<>();

    private StoredChatService service(SimpleModelManager models) {
        StoredChatService s = new StoredChatService();
        s.models = models;
        s.start(ChatOptions.defaults(dataDir));
        started.add(s);
        return s;
    }

    @AfterEach
    void stopAll() {
        started.forEach(StoredChatService::stop);
    }

    @Test
    void eachAnswersEnergyIsStoredWithItAndSummedPerConversation() {
        ScriptedModel model = ScriptedModel.echo("tiny", 4096);
        StoredChatService first = service(new SimpleModelManager().offer(model));
        Conversation c = first.create(ConversationSettings.empty().withModelRef("tiny"));
        Conversation other = first.create(ConversationSettings.empty().withModelRef("tiny"));
        assertEquals(org.terroir.api.energy.EnergyTotal.NONE, first.energy(c.id()), "nothing yet");
        model.energy(new org.terroir.api.energy.EnergyUse(12.5, org.terroir.api.energy.EnergyUse.Method.MEASURED,
                "RAPL package+dram × worker's CPU share (40 %)"));
        ChatReply one = first.send(c.id(), "one", t -> { }).await();
        assertEquals(model.energy(), one.stats().energy());
        model.energy(new org.terroir.api.energy.EnergyUse(2.5, org.terroir.api.energy.EnergyUse.Method.ESTIMATED,
                "CPU time 0.62 s × 4 W per core (laptop class)"));
        first.send(c.id(), "two", t -> { }).await();
        first.send(other.id(), "elsewhere", t -> { }).await();
        model.energy(null);
        first.send(c.id(), "three, with no meter", t -> { }).await();
        first.stop();
        started.remove(first);

        StoredChatService second = service(new SimpleModelManager().offer(model));
        List<StoredMessage> answers = second.messages(c.id()).stream().filter(m -> m.role() == Role.ASSISTANT).toList();
        assertEquals(3, answers.size());
        assertEquals(new org.terroir.api.energy.EnergyUse(12.5, org.terroir.api.energy.EnergyUse.Method.MEASURED,
                "RAPL package+dram × worker's CPU share (40 %)"), answers.get(0).stats().energy(), "kept across a restart");
        assertEquals(org.terroir.api.energy.EnergyUse.Method.ESTIMATED, answers.get(1).stats().energy().method());
        assertEquals(null, answers.get(2).stats().energy(), "an answer without a meter has no energy, not zero");
        assertEquals(new org.terroir.api.energy.EnergyTotal(15.0, 12.5, 2), second.energy(c.id()));
        assertEquals(new org.terroir.api.energy.EnergyTotal(2.5, 0, 1), second.energy(other.id()));
    }

    @Test
    void aDatabaseFromBeforeEnergyGainsItsColumnsAndKeepsItsMessages() throws Exception {
        java.nio.file.Files.createDirectories(dataDir);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(
                ChatStore.FILE_NAME)); java.sql.Statement s = c.createStatement()) {
            // The messages table as the first release made it.
            s.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, "
                    + "role TEXT NOT NULL, content TEXT NOT NULL, created_at INTEGER NOT NULL, complete INTEGER NOT NULL, "
                    + "model TEXT, prompt_tokens INTEGER, generated_tokens INTEGER, ttft_ms REAL, total_ms REAL, "
                    + "tokens_per_s REAL, finish_reason TEXT, error TEXT)");
        }
        ScriptedModel model = ScriptedModel.echo("tiny", 4096);
        model.energy(new org.terroir.api.energy.EnergyUse(1.0, org.terroir.api.energy.EnergyUse.Method.ESTIMATED, "x"));
        StoredChatService s = service(new SimpleModelManager().offer(model));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("tiny"));
        assertEquals(1.0, s.send(c.id(), "hi", t -> { }).await().stats().energy().joules());
        assertEquals(1, s.energy(c.id()).count());
    }

    /** A tool as a plugin would offer it: the weather of a city, checked. */
    private static final class Weather implements org.terroir.api.chat.ChatTool {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public org.terroir.api.inference.ToolDefinition definition() {
            return new org.terroir.api.inference.ToolDefinition("weather", "The weather of a city",
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
        }

        @Override
        public String call(String argumentsJson) {
            calls.add(argumentsJson);
            if (!argumentsJson.contains("Lyon")) {
                throw new TerroirException(org.terroir.api.ErrorKind.BAD_REQUEST, "weather.city", "unknown city");
            }
            return "{\"temperature\": 21}";
        }
    }

    @Test
    void aToolABundleOffersIsCalledAndTheModelAnswersWithItsResult() {
        ScriptedModel model = new ScriptedModel("tools", 4096, 0, r -> r.messages().get(r.messages().size() - 1)
                .role() == ChatMessage.Role.TOOL ? ScriptedModel.words("It is 21 degrees in Lyon.") : List.of());
        model.toolCalls(r -> r.messages().get(r.messages().size() - 1).role() == ChatMessage.Role.USER
                ? List.of(new org.terroir.api.inference.ToolCall("call_1", "weather", "{\"city\":\"Lyon\"}"),
                        new org.terroir.api.inference.ToolCall("call_2", "weather", "{\"city\":\"Atlantis\"}"),
                        new org.terroir.api.inference.ToolCall("call_3", "radio", "{}"))
                : List.of());
        StoredChatService s = service(new SimpleModelManager().offer(model));
        Weather weather = new Weather();
        s.tools.add(weather);
        Conversation c = s.create(ConversationSettings.empty().withModelRef("tools"));
        ChatReply reply = s.send(c.id(), "What is the weather in Lyon?", ChatListener.NONE).await();

        assertEquals("It is 21 degrees in Lyon.", reply.message().content());
        assertEquals(FinishReason.STOP, reply.stats().finishReason());
        assertEquals(2, model.requests().size(), "a round with the tools, then one with their results");
        assertEquals(List.of("weather"), model.requests().get(0).tools().stream()
                .map(org.terroir.api.inference.ToolDefinition::name).toList());
        List<ChatMessage> second = model.requests().get(1).messages();
        assertEquals(3, second.get(second.size() - 4).toolCalls().size(), "the model's calls are in its history");
        assertEquals(ChatMessage.tool("call_1", "{\"temperature\": 21}"), second.get(second.size() - 3));
        assertTrue(second.get(second.size() - 2).content().contains("unknown city"), "a failing tool says why");
        assertTrue(second.get(second.size() - 1).content().contains("radio"), "an unknown tool is named");
        assertEquals(2, weather.calls.size());
        assertEquals(List.of(Role.USER, Role.ASSISTANT), s.messages(c.id()).stream().map(StoredMessage::role).toList());

        // A model that keeps calling tools is stopped after a few rounds, the last one offered none.
        model.toolCalls(r -> List.of(new org.terroir.api.inference.ToolCall("call_x", "weather",
                "{\"city\":\"Lyon\"}")));
        model.requests().clear();
        s.send(c.id(), "Again?", ChatListener.NONE).await();
        assertEquals(StoredChatService.TOOL_ROUNDS, model.requests().size());
        assertTrue(model.requests().get(StoredChatService.TOOL_ROUNDS - 1).tools().isEmpty());

        // A backend without tool calling answers as before, without them.
        model.refusesTools(true);
        model.requests().clear();
        s.send(c.id(), "And tomorrow?", ChatListener.NONE).await();
        assertEquals(1, model.requests().size());
        assertTrue(model.requests().get(0).tools().isEmpty());
    }

    @Test
    void askingAgainReplacesTheLastAnswerAndKeepsItWhenTheNewOneFails() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ScriptedModel model = new ScriptedModel("again", 4096, 0, r -> {
            int n = calls.incrementAndGet();
            if (n == 4) {
                throw new IllegalStateException("the model fell over");
            }
            return ScriptedModel.words("answer " + n);
        });
        StoredChatService s = service(new SimpleModelManager().offer(model));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("again"));
        TerroirException none = assertThrows(TerroirException.class, () -> s.regenerate(c.id(), ChatListener.NONE));
        assertEquals("chat.regenerate.none", none.code());
        assertEquals(org.terroir.api.ErrorKind.BAD_REQUEST, none.kind());

        s.send(c.id(), "First question", ChatListener.NONE).await();
        s.send(c.id(), "Second question", ChatListener.NONE).await();
        StoredMessage before = s.messages(c.id()).get(3);
        assertEquals("answer 2", before.content());

        StringBuilder streamed = new StringBuilder();
        ChatReply again = s.regenerate(c.id(), streamed::append).await();
        assertEquals("answer 3", again.message().content());
        assertEquals("answer 3", streamed.toString());
        List<StoredMessage> messages = s.messages(c.id());
        assertEquals(List.of("First question", "answer 1", "Second question", "answer 3"),
                messages.stream().map(StoredMessage::content).toList(), "the question is not asked twice");
        // the model saw the history without the answer it replaces
        assertEquals(List.of(ChatMessage.user("First question"), ChatMessage.assistant("answer 1"),
                ChatMessage.user("Second question")), model.lastRequest().messages().stream()
                        .filter(m -> m.role() != ChatMessage.Role.SYSTEM).toList());

        // a failure leaves the previous answer where it was
        assertThrows(RuntimeException.class, () -> s.regenerate(c.id(), ChatListener.NONE).await());
        List<String> after = s.messages(c.id()).stream().map(StoredMessage::content).toList();
        assertEquals(List.of("First question", "answer 1", "Second question", "answer 3"), after.subList(0, 4), after
                .toString());
    }

    @Test
    void aConversationSurvivesARestartOfTheService() {
        ScriptedModel model = ScriptedModel.echo("tiny", 4096);
        StoredChatService first = service(new SimpleModelManager().offer(model));
        Conversation c = first.create(ConversationSettings.empty().withModelRef("tiny").withPresetId("grammar"));
        StringBuilder streamed = new StringBuilder();
        ChatReply reply = first.send(c.id(), "Bonjour, ça va ?", streamed::append).await();
        assertEquals("echo: Bonjour, ça va ?", reply.message().content());
        assertEquals(streamed.toString(), reply.message().content());
        assertEquals(5, reply.stats().generatedTokens());
        assertEquals(FinishReason.STOP, reply.stats().finishReason());
        assertTrue(reply.message().complete());
        first.stop();
        started.remove(first);

        // a new instance over the same folder, as after a restart of the platform
        SimpleModelManager models = new SimpleModelManager().offer(model);
        StoredChatService second = service(models);
        Conversation again = second.get(c.id()).orElseThrow();
        assertEquals("Bonjour, ça va ?", again.title());
        assertEquals("tiny", again.modelRef());
        assertEquals("grammar", again.presetId());
        assertEquals(Presets.sampling("grammar"), again.sampling());
        assertEquals(c.systemPrompt(), again.systemPrompt());
        List<StoredMessage> messages = second.messages(c.id());
        assertEquals(List.of(Role.USER, Role.ASSISTANT), messages.stream().map(StoredMessage::role).toList());
        StoredMessage answer = messages.get(1);
        assertEquals(reply.message(), answer);
        assertEquals("tiny", answer.stats().model());

        // and it continues: the model (loaded again by the conversation's reference) sees the old turn
        second.send(c.id(), "Et toi ?", ChatListener.NONE).await();
        assertEquals(List.of("tiny"), models.loads);
        List<ChatMessage> seen = model.lastRequest().messages();
        assertEquals(List.of(ChatMessage.system(c.systemPrompt()), ChatMessage.user("Bonjour, ça va ?"),
                ChatMessage.assistant("echo: Bonjour, ça va ?"), ChatMessage.user("Et toi ?")), seen);
        assertEquals(4, second.messages(c.id()).size());
    }

    @Test
    void withoutAModelRefTheCurrentModelAnswersAndIsRemembered() {
        ScriptedModel model = ScriptedModel.echo("current", 4096);
        SimpleModelManager models = new SimpleModelManager().offer(model);
        models.load("current", null);
        StoredChatService s = service(models);
        Conversation c = s.create(ConversationSettings.empty());
        assertEquals(null, c.modelRef());
        s.send(c.id(), "hi", ChatListener.NONE).await();
        assertEquals(model.descriptor().path().toString(), s.get(c.id()).orElseThrow().modelRef());
    }

    @Test
    void noModelAtAllIsAClearError() {
        StoredChatService s = service(new SimpleModelManager());
        Conversation c = s.create(ConversationSettings.empty());
        TerroirException e = assertThrows(TerroirException.class, () -> s.send(c.id(), "hi", ChatListener.NONE));
        assertEquals("chat.model.none", e.code());
        assertEquals(0, s.messages(c.id()).size(), "nothing stored for a message that was never sent");
    }

    @Test
    void stoppingAnAnswerKeepsWhatWasSaid() throws Exception {
        List<String> endless = IntStream.range(0, 10_000).mapToObj(i -> "w" + i + " ").toList();
        ScriptedModel slow = new ScriptedModel("slow", 100_000, 2, r -> endless);
        StoredChatService s = service(new SimpleModelManager().offer(slow));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("slow")
                .withSampling(Sampling.defaults().withMaxTokens(20_000)));
        CountDownLatch some = new CountDownLatch(10);
        ChatTurn turn = s.send(c.id(), "talk", t -> some.countDown());
        assertTrue(some.await(30, TimeUnit.SECONDS));
        TerroirException busy = assertThrows(TerroirException.class, () -> s.send(c.id(), "again", ChatListener.NONE));
        assertEquals("chat.busy", busy.code());
        assertTrue(s.stop(c.id()));
        ChatReply reply = turn.await();
        assertEquals(FinishReason.CANCELLED, reply.stats().finishReason());
        assertTrue(reply.message().content().startsWith("w0 w1 w2 "));
        assertTrue(reply.stats().generatedTokens() < 10_000);
        assertEquals(reply.message(), s.messages(c.id()).get(1));
        assertFalse(s.stop(c.id()));
    }

    @Test
    void anOverflowingHistoryIsTrimmedAndTheUserIsTold() {
        // 60-token window, answers of at most 10 tokens: the service keeps 10 free, leaving 50 for the prompt
        ScriptedModel small = ScriptedModel.echo("small", 60);
        StoredChatService s = service(new SimpleModelManager().offer(small));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("small").withSystemPrompt("be brief")
                .withSampling(Sampling.greedy(10)));
        List<Integer> told = new ArrayList<>();
        ChatListener listener = new ChatListener() {
            @Override
            public void onToken(String text) {
            }

            @Override
            public void onContextTrimmed(int dropped) {
                told.add(dropped);
            }
        };
        // each turn: user 4 words + 8 overhead, answer 5 words + 8 overhead = 25 tokens
        ChatReply r1 = s.send(c.id(), "one two three four", listener).await();
        ChatReply r2 = s.send(c.id(), "five six seven eight", listener).await();
        assertFalse(r1.trimmed());
        assertFalse(r2.trimmed());
        assertEquals(List.of(), told);
        // system 10 + turn 25 + turn 25 + new 12 = 72 > 50: the oldest turn goes, then the second (72-25=47 fits)
        ChatReply r3 = s.send(c.id(), "nine ten eleven twelve", listener).await();
        assertTrue(r3.trimmed());
        assertEquals(2, r3.droppedMessages());
        assertEquals(List.of(2), told);
        List<ChatMessage> seen = small.lastRequest().messages();
        assertEquals(ChatMessage.system("be brief"), seen.get(0));
        assertEquals(ChatMessage.user("five six seven eight"), seen.get(1));
        assertEquals(ChatMessage.user("nine ten eleven twelve"), seen.get(seen.size() - 1));
        // the dropped messages stay in the history
        assertEquals(6, s.messages(c.id()).size());
        assertNotNull(Messages.get("chat.context.trimmed", 2));
    }

    @Test
    void aMessageTooLongForTheWindowIsRefusedAndNotStored() {
        StoredChatService s = service(new SimpleModelManager().offer(ScriptedModel.echo("small", 20)));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("small").withSystemPrompt("")
                .withSampling(Sampling.greedy(5)));
        String tooLong = String.join(" ", IntStream.range(0, 30).mapToObj(i -> "w" + i).toList());
        TerroirException e = assertThrows(TerroirException.class, () -> s.send(c.id(), tooLong, ChatListener.NONE));
        assertEquals("chat.message.too-long", e.code());
        assertEquals(List.of(), s.messages(c.id()));
    }

    @Test
    void searchFindsWordsTitlesPrefixesAndIgnoresAccents() {
        StoredChatService s = service(new SimpleModelManager().offer(ScriptedModel.echo("tiny", 4096)));
        assertTrue(s.fullTextSearch(), "this SQLite build has FTS5");
        Conversation fr = s.create(ConversationSettings.empty().withModelRef("tiny"));
        s.send(fr.id(), "Peux-tu résumer ce théorème de Pythagore ?", ChatListener.NONE).await();
        Conversation en = s.create(ConversationSettings.empty().withModelRef("tiny").withTitle("Holiday plans"));
        s.send(en.id(), "Ideas for a weekend in Lyon", ChatListener.NONE).await();

        List<SearchHit> hits = s.search("theoreme", 10);
        assertFalse(hits.isEmpty());
        assertTrue(hits.stream().allMatch(h -> h.conversationId().equals(fr.id())));
        assertTrue(hits.get(0).snippet().contains("[théorème]"), hits.get(0).snippet());

        assertEquals(List.of(en.id()), s.search("lyo", 10).stream().map(SearchHit::conversationId).distinct().toList());
        SearchHit title = s.search("holiday", 10).get(0);
        assertEquals(en.id(), title.conversationId());
        assertEquals(0, title.messageId());
        assertEquals(List.of(), s.search("\"unbalanced AND (", 10), "user text is never FTS syntax");
        assertEquals(List.of(), s.search("  ", 10));

        // deleted conversations leave the index
        assertTrue(s.delete(fr.id()));
        assertEquals(List.of(), s.search("Pythagore", 10));
        assertFalse(s.delete(fr.id()));
    }

    @Test
    void renameUpdateAndList() {
        StoredChatService s = service(new SimpleModelManager().offer(ScriptedModel.echo("tiny", 4096)));
        Conversation a = s.create(ConversationSettings.empty().withTitle("A"));
        Conversation b = s.create(ConversationSettings.empty().withTitle("B"));
        s.rename(a.id(), "Renamed");
        assertEquals(List.of(a.id(), b.id()), s.list().stream().map(Conversation::id).toList());
        assertEquals("Renamed", s.list().get(0).title());
        Conversation changed = s.update(b.id(), ConversationSettings.empty().withPresetId("translation"));
        assertEquals("translation", changed.presetId());
        assertEquals(s.preset("translation").orElseThrow().systemPrompt(), changed.systemPrompt());
        Conversation custom = s.update(b.id(), ConversationSettings.empty().withSystemPrompt("Réponds en vers."));
        assertEquals("Réponds en vers.", custom.systemPrompt());
        assertEquals("translation", custom.presetId());
        TerroirException e = assertThrows(TerroirException.class,
                () -> s.update(b.id(), ConversationSettings.empty().withPresetId("poetry")));
        assertEquals("chat.preset.unknown", e.code());
        assertEquals("chat.conversation.unknown",
                assertThrows(TerroirException.class, () -> s.messages("nope")).code());
    }

    @Test
    void exportsMarkdownAndJson() throws Exception {
        StoredChatService s = service(new SimpleModelManager().offer(ScriptedModel.echo("tiny", 4096)));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("tiny").withTitle("Quotes \"and\" lines")
                .withSystemPrompt("Line one\nline \"two\""));
        s.send(c.id(), "Say \"hi\"\n\ttabbed \\ back", ChatListener.NONE).await();

        String md = s.export(c.id(), ExportFormat.MARKDOWN);
        assertTrue(md.startsWith("# Quotes \"and\" lines\n"), md);
        assertTrue(md.contains("Line one\nline \"two\""), md);
        assertTrue(md.contains("echo: Say \"hi\"\n\ttabbed \\ back"), md);
        assertTrue(md.contains("tiny"), md);

        // Read strictly (TypeAdapter.fromJson does not make the reader lenient as Gson.fromJson does).
        Object parsed = new com.google.gson.Gson().getAdapter(Object.class).fromJson(s.export(c.id(), ExportFormat.JSON));
        Map<?, ?> doc = (Map<?, ?>) parsed;
        assertEquals(c.id(), doc.get("id"));
        assertEquals("Quotes \"and\" lines", doc.get("title"));
        assertEquals("Line one\nline \"two\"", doc.get("systemPrompt"));
        List<?> messages = (List<?>) doc.get("messages");
        assertEquals(2, messages.size());
        Map<?, ?> user = (Map<?, ?>) messages.get(0);
        assertEquals("user", user.get("role"));
        assertEquals("Say \"hi\"\n\ttabbed \\ back", user.get("content"));
        assertEquals(null, user.get("stats"));
        Map<?, ?> answer = (Map<?, ?>) messages.get(1);
        assertEquals(Boolean.TRUE, answer.get("complete"));
        Map<?, ?> stats = (Map<?, ?>) answer.get("stats");
        assertEquals(5.0, stats.get("generatedTokens"));
        assertEquals("STOP", stats.get("finishReason"));
        assertEquals(512.0, ((Map<?, ?>) doc.get("sampling")).get("maxTokens"));
    }
}

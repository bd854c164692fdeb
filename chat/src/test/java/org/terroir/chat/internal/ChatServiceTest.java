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

class ChatServiceTest {
    @TempDir
    Path dataDir;

    private final List<ChatServiceImpl> started = new ArrayList<>();

    private ChatServiceImpl service(SimpleModelManager models) {
        ChatServiceImpl s = new ChatServiceImpl();
        s.models = models;
        s.start(ChatOptions.defaults(dataDir));
        started.add(s);
        return s;
    }

    @AfterEach
    void stopAll() {
        started.forEach(ChatServiceImpl::stop);
    }

    @Test
    void aConversationSurvivesARestartOfTheService() {
        ScriptedModel model = ScriptedModel.echo("tiny", 4096);
        ChatServiceImpl first = service(new SimpleModelManager().offer(model));
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
        ChatServiceImpl second = service(models);
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
        List<ChatMessage> seen = model.lastRequest.messages();
        assertEquals(List.of(ChatMessage.system(c.systemPrompt()), ChatMessage.user("Bonjour, ça va ?"),
                ChatMessage.assistant("echo: Bonjour, ça va ?"), ChatMessage.user("Et toi ?")), seen);
        assertEquals(4, second.messages(c.id()).size());
    }

    @Test
    void withoutAModelRefTheCurrentModelAnswersAndIsRemembered() {
        ScriptedModel model = ScriptedModel.echo("current", 4096);
        SimpleModelManager models = new SimpleModelManager().offer(model);
        models.load("current", null);
        ChatServiceImpl s = service(models);
        Conversation c = s.create(ConversationSettings.empty());
        assertEquals(null, c.modelRef());
        s.send(c.id(), "hi", ChatListener.NONE).await();
        assertEquals(model.descriptor().path().toString(), s.get(c.id()).orElseThrow().modelRef());
    }

    @Test
    void noModelAtAllIsAClearError() {
        ChatServiceImpl s = service(new SimpleModelManager());
        Conversation c = s.create(ConversationSettings.empty());
        TerroirException e = assertThrows(TerroirException.class, () -> s.send(c.id(), "hi", ChatListener.NONE));
        assertEquals("chat.model.none", e.code());
        assertEquals(0, s.messages(c.id()).size(), "nothing stored for a message that was never sent");
    }

    @Test
    void stoppingAnAnswerKeepsWhatWasSaid() throws Exception {
        List<String> endless = IntStream.range(0, 10_000).mapToObj(i -> "w" + i + " ").toList();
        ScriptedModel slow = new ScriptedModel("slow", 100_000, 2, r -> endless);
        ChatServiceImpl s = service(new SimpleModelManager().offer(slow));
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
        ChatServiceImpl s = service(new SimpleModelManager().offer(small));
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
        List<ChatMessage> seen = small.lastRequest.messages();
        assertEquals(ChatMessage.system("be brief"), seen.get(0));
        assertEquals(ChatMessage.user("five six seven eight"), seen.get(1));
        assertEquals(ChatMessage.user("nine ten eleven twelve"), seen.get(seen.size() - 1));
        // the dropped messages stay in the history
        assertEquals(6, s.messages(c.id()).size());
        assertNotNull(Messages.get("chat.context.trimmed", 2));
    }

    @Test
    void aMessageTooLongForTheWindowIsRefusedAndNotStored() {
        ChatServiceImpl s = service(new SimpleModelManager().offer(ScriptedModel.echo("small", 20)));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("small").withSystemPrompt("")
                .withSampling(Sampling.greedy(5)));
        String tooLong = String.join(" ", IntStream.range(0, 30).mapToObj(i -> "w" + i).toList());
        TerroirException e = assertThrows(TerroirException.class, () -> s.send(c.id(), tooLong, ChatListener.NONE));
        assertEquals("chat.message.too-long", e.code());
        assertEquals(List.of(), s.messages(c.id()));
    }

    @Test
    void searchFindsWordsTitlesPrefixesAndIgnoresAccents() {
        ChatServiceImpl s = service(new SimpleModelManager().offer(ScriptedModel.echo("tiny", 4096)));
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
        ChatServiceImpl s = service(new SimpleModelManager().offer(ScriptedModel.echo("tiny", 4096)));
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
    void exportsMarkdownAndJson() {
        ChatServiceImpl s = service(new SimpleModelManager().offer(ScriptedModel.echo("tiny", 4096)));
        Conversation c = s.create(ConversationSettings.empty().withModelRef("tiny").withTitle("Quotes \"and\" lines")
                .withSystemPrompt("Line one\nline \"two\""));
        s.send(c.id(), "Say \"hi\"\n\ttabbed \\ back", ChatListener.NONE).await();

        String md = s.export(c.id(), ExportFormat.MARKDOWN);
        assertTrue(md.startsWith("# Quotes \"and\" lines\n"), md);
        assertTrue(md.contains("Line one\nline \"two\""), md);
        assertTrue(md.contains("echo: Say \"hi\"\n\ttabbed \\ back"), md);
        assertTrue(md.contains("tiny"), md);

        Object parsed = MiniJson.parse(s.export(c.id(), ExportFormat.JSON));
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

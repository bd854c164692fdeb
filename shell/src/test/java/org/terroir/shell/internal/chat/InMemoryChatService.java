package org.terroir.shell.internal.chat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.terroir.api.TerroirException;
import org.terroir.api.chat.AnswerStats;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatReply;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.ChatTurn;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.chat.ExportFormat;
import org.terroir.api.chat.Preset;
import org.terroir.api.chat.SearchHit;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.inference.ChatMessage.Role;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Sampling;

/**
 * A chat service held in memory, for driving the shell's chat commands (the real service, with its database,
 * is tested in the chat module). Answers "echo: <message>" word by word; a message starting with "talk" gets an
 * endless answer that only Ctrl-C ends; a message starting with "long" is answered after a context-trim notice.
 */
final class InMemoryChatService implements ChatService {
    private final Map<String, Conversation> conversations = new LinkedHashMap<>();
    private final Map<String, List<StoredMessage>> messages = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong conversationIds = new AtomicLong();
    private final Map<String, Runnable> running = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public synchronized Conversation create(ConversationSettings s) {
        String id = "c" + conversationIds.incrementAndGet();
        String preset = s.presetId() == null ? "assistant" : s.presetId();
        Conversation c = new Conversation(id, s.title() == null ? "New conversation" : s.title(), s.modelRef(),
                preset, s.systemPrompt() == null ? "prompt of " + preset : s.systemPrompt(), Sampling.defaults(),
                Instant.now(), Instant.now(), 0);
        conversations.put(id, c);
        messages.put(id, new ArrayList<>());
        return c;
    }

    @Override
    public synchronized List<Conversation> list() {
        return conversations.values().stream().map(c -> get(c.id()).orElseThrow()).toList();
    }

    @Override
    public synchronized Optional<Conversation> get(String id) {
        Conversation c = conversations.get(id);
        if (c == null) {
            return Optional.empty();
        }
        return Optional.of(new Conversation(c.id(), c.title(), c.modelRef(), c.presetId(), c.systemPrompt(),
                c.sampling(), c.created(), c.updated(), messages.get(id).size()));
    }

    private Conversation require(String id) {
        return get(id).orElseThrow(() -> new TerroirException("chat.conversation.unknown", "no " + id));
    }

    @Override
    public synchronized List<StoredMessage> messages(String id) {
        require(id);
        return List.copyOf(messages.get(id));
    }

    @Override
    public synchronized Conversation rename(String id, String title) {
        Conversation c = require(id);
        conversations.put(id, new Conversation(id, title, c.modelRef(), c.presetId(), c.systemPrompt(), c.sampling(),
                c.created(), Instant.now(), 0));
        return require(id);
    }

    @Override
    public synchronized Conversation update(String id, ConversationSettings s) {
        Conversation c = require(id);
        String preset = s.presetId() != null ? s.presetId() : c.presetId();
        if (s.presetId() != null && preset(preset).isEmpty()) {
            throw new TerroirException("chat.preset.unknown", "Unknown preset '" + preset + "'");
        }
        String system = s.systemPrompt() != null ? s.systemPrompt()
                : s.presetId() != null ? "prompt of " + preset : c.systemPrompt();
        conversations.put(id, new Conversation(id, c.title(), s.modelRef() != null ? s.modelRef() : c.modelRef(),
                preset, system, c.sampling(), c.created(), Instant.now(), 0));
        return require(id);
    }

    @Override
    public synchronized boolean delete(String id) {
        messages.remove(id);
        return conversations.remove(id) != null;
    }

    @Override
    public synchronized List<SearchHit> search(String query, int limit) {
        List<SearchHit> hits = new ArrayList<>();
        messages.forEach((id, list) -> list.stream().filter(m -> m.content().contains(query))
                .forEach(m -> hits.add(new SearchHit(id, conversations.get(id).title(), m.id(), m.content()))));
        return hits;
    }

    private synchronized StoredMessage add(String id, Role role, String text, AnswerStats stats) {
        StoredMessage m = new StoredMessage(ids.incrementAndGet(), id, role, text, Instant.now(), true, stats, null);
        messages.get(id).add(m);
        return m;
    }

    @Override
    public ChatTurn send(String id, String text, ChatListener listener) {
        require(id);
        StoredMessage user = add(id, Role.USER, text, null);
        boolean endless = text.startsWith("talk");
        int dropped = text.startsWith("long") ? 2 : 0;
        if (dropped > 0) {
            listener.onContextTrimmed(dropped);
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<ChatReply> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            StringBuilder answer = new StringBuilder();
            int n = 0;
            FinishReason reason = FinishReason.STOP;
            String[] words = ("echo: " + text).split(" ");
            while (endless || n < words.length) {
                if (cancelled.get()) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                String token = endless ? "w" + n + " " : (n == 0 ? "" : " ") + words[n];
                answer.append(token);
                listener.onToken(token);
                n++;
                if (endless) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
            }
            AnswerStats stats = new AnswerStats("tiny", 12, n, 3.0, 10.0, 42.5, reason);
            running.remove(id);
            result.complete(new ChatReply(add(id, Role.ASSISTANT, answer.toString(), stats), dropped));
        });
        running.put(id, () -> cancelled.set(true));
        t.setDaemon(true);
        t.start();
        return new ChatTurn() {
            @Override
            public String conversationId() {
                return id;
            }

            @Override
            public StoredMessage userMessage() {
                return user;
            }

            @Override
            public int droppedMessages() {
                return dropped;
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }

            @Override
            public CompletableFuture<ChatReply> result() {
                return result;
            }
        };
    }

    @Override
    public boolean stop(String id) {
        Runnable r = running.get(id);
        if (r != null) {
            r.run();
        }
        return r != null;
    }

    @Override
    public String export(String id, ExportFormat format) {
        Conversation c = require(id);
        return format == ExportFormat.JSON ? "{\"id\": \"" + id + "\", \"messages\": " + messages(id).size() + "}"
                : "# " + c.title() + "\n";
    }

    @Override
    public List<Preset> presets() {
        return presets(Locale.ENGLISH);
    }

    @Override
    public List<Preset> presets(Locale locale) {
        return List.of("assistant", "grammar").stream()
                .map(p -> new Preset(p, p + " name", p + " description", "prompt of " + p, Sampling.defaults()))
                .toList();
    }

    @Override
    public Optional<Preset> preset(String presetId) {
        return presets().stream().filter(p -> p.id().equals(presetId)).findFirst();
    }
}

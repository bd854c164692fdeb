package org.terroir.chat.internal;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
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
import org.terroir.api.i18n.Texts;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.ChatMessage.Role;
import org.terroir.api.inference.Generation;
import org.terroir.api.inference.GenerationRequest;
import org.terroir.api.inference.GenerationStats;
import org.terroir.api.inference.LoadOptions;
import org.terroir.api.inference.LoadedModel;
import org.terroir.api.inference.ModelManager;
import org.terroir.api.inference.Sampling;

/**
 * The chat service: conversations in a SQLite database under {@code TERROIR_HOME/data}, answers from the
 * {@link ModelManager}'s models. The manager is optional so that history can be read, searched and exported while
 * no runtime is there.
 */
@Component(service = ChatService.class, configurationPid = "org.terroir.chat")
@Designate(ocd = ChatConfig.class)
public class ChatServiceImpl implements ChatService {
    private static final System.Logger LOG = System.getLogger(ChatServiceImpl.class.getName());
    private static final int TITLE_LENGTH = 60;
    private static final int TOKEN_CACHE_SIZE = 4096;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelManager models;

    private ChatStore store;
    private ChatOptions options;
    private ScheduledExecutorService scheduler;
    private final Map<String, Turn> answering = new ConcurrentHashMap<>();
    private final Map<String, Integer> tokenCounts = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > TOKEN_CACHE_SIZE;
        }
    };

    @Activate
    void activate(ChatConfig config) {
        start(ChatOptions.of(config));
    }

    /** Opens the database; also the entry point of tests, which run the service without a framework. */
    void start(ChatOptions options) {
        this.options = options;
        this.store = ChatStore.open(options.dataDir());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "terroir-chat-flush");
            t.setDaemon(true);
            return t;
        });
        LOG.log(Level.INFO, "chat history in {0} (full-text search: {1})", options.dataDir(), store.fullText());
    }

    @Deactivate
    void stop() {
        // Answers under way end as cancelled and are saved before the database closes.
        answering.values().forEach(Turn::cancel);
        for (Turn turn : List.copyOf(answering.values())) {
            try {
                turn.future.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "answer of conversation {0} did not end in time", turn.conversationId);
            }
        }
        scheduler.shutdown();
        store.close();
    }

    boolean fullTextSearch() {
        return store.fullText();
    }

    // ---- conversations ----

    @Override
    public Conversation create(ConversationSettings settings) {
        ConversationSettings s = settings == null ? ConversationSettings.empty() : settings;
        String presetId = s.presetId() != null ? s.presetId() : options.defaultPreset();
        Preset preset = presetId == null ? null : requirePreset(presetId);
        String system = s.systemPrompt() != null ? s.systemPrompt() : preset == null ? "" : preset.systemPrompt();
        Sampling sampling = s.sampling() != null ? s.sampling()
                : preset == null ? Sampling.defaults() : preset.sampling();
        String model = s.modelRef() != null && !s.modelRef().isBlank() ? s.modelRef() : options.defaultModel();
        boolean autoTitle = s.title() == null || s.title().isBlank();
        String title = autoTitle ? Messages.get("conversation.untitled") : s.title().strip();
        return store.createConversation(title, autoTitle, model, presetId, system, sampling);
    }

    @Override
    public List<Conversation> list() {
        return store.conversations();
    }

    @Override
    public Optional<Conversation> get(String conversationId) {
        return conversationId == null ? Optional.empty() : store.conversation(conversationId);
    }

    private Conversation require(String conversationId) {
        return get(conversationId).orElseThrow(() -> new TerroirException("chat.conversation.unknown",
                Messages.get("chat.conversation.unknown", conversationId)));
    }

    @Override
    public List<StoredMessage> messages(String conversationId) {
        require(conversationId);
        return store.messages(conversationId);
    }

    @Override
    public Conversation rename(String conversationId, String title) {
        require(conversationId);
        if (title == null || title.isBlank()) {
            throw new TerroirException("chat.title.empty", Messages.get("chat.title.empty"));
        }
        store.rename(conversationId, title.strip(), false, false);
        return require(conversationId);
    }

    @Override
    public Conversation update(String conversationId, ConversationSettings settings) {
        Conversation c = require(conversationId);
        String presetId = c.presetId();
        String system = c.systemPrompt();
        Sampling sampling = c.sampling();
        if (settings.presetId() != null && !settings.presetId().equals(c.presetId())) {
            // a new preset brings its prompt and sampling unless the caller gives its own
            Preset preset = requirePreset(settings.presetId());
            presetId = preset.id();
            system = preset.systemPrompt();
            sampling = preset.sampling();
        }
        if (settings.systemPrompt() != null) {
            system = settings.systemPrompt();
        }
        if (settings.sampling() != null) {
            sampling = settings.sampling();
        }
        String model = settings.modelRef() != null ? settings.modelRef() : c.modelRef();
        store.updateConversation(conversationId, model, presetId, system, sampling);
        if (settings.title() != null && !settings.title().isBlank()) {
            store.rename(conversationId, settings.title().strip(), false, false);
        }
        return require(conversationId);
    }

    @Override
    public boolean delete(String conversationId) {
        Turn turn = answering.get(conversationId);
        if (turn != null) {
            turn.cancel();
            turn.future.handle((r, e) -> null).join();
        }
        return store.deleteConversation(conversationId);
    }

    @Override
    public List<SearchHit> search(String query, int limit) {
        return query == null ? List.of() : store.search(query, limit);
    }

    // ---- answers ----

    @Override
    public ChatTurn send(String conversationId, String userText, ChatListener listener) {
        Conversation c = require(conversationId);
        if (userText == null || userText.isBlank()) {
            throw new TerroirException("chat.message.empty", Messages.get("chat.message.empty"));
        }
        ChatListener out = listener == null ? ChatListener.NONE : listener;
        Turn turn = new Turn(conversationId);
        if (answering.putIfAbsent(conversationId, turn) != null) {
            throw new TerroirException("chat.busy", Messages.get("chat.busy", conversationId));
        }
        AnswerRecorder recorder = null;
        try {
            LoadedModel model = model(c);
            if (c.modelRef() == null || c.modelRef().isBlank()) {
                // pin the model that answered, so that the conversation finds it again after a restart
                store.updateConversation(conversationId, model.descriptor().path().toString(), c.presetId(),
                        c.systemPrompt(), c.sampling());
            }
            List<ChatMessage> history = store.messages(conversationId).stream()
                    .filter(m -> m.role() != Role.SYSTEM && !m.content().isEmpty())
                    .map(StoredMessage::toChatMessage).toList();
            ChatMessage next = ChatMessage.user(userText);
            ContextWindow window = new ContextWindow(model.contextLength(),
                    ContextWindow.reserveFor(c.sampling().maxTokens(), model.contextLength()),
                    options.messageOverheadTokens(), text -> countTokens(model, text));
            ContextWindow.Fit fit = window.fit(c.systemPrompt(), history, next);

            if (c.messageCount() == 0) {
                store.rename(conversationId, titleFrom(userText), true, true);
            }
            turn.userMessage = store.addMessage(conversationId, Role.USER, userText, true);
            turn.dropped = fit.droppedMessages();
            StoredMessage answer = store.addMessage(conversationId, Role.ASSISTANT, "", false);
            recorder = new AnswerRecorder(store, answer.id(), scheduler, options.flushIntervalMs());
            if (fit.droppedMessages() > 0) {
                LOG.log(Level.DEBUG, "conversation {0}: {1} old messages left out of the prompt", conversationId,
                        fit.droppedMessages());
                safely(() -> out.onContextTrimmed(fit.droppedMessages()));
            }
            AnswerRecorder rec = recorder;
            Generation generation = model.generate(GenerationRequest.chat(fit.messages(), c.sampling()), token -> {
                rec.append(token);
                safely(() -> out.onToken(token));
            });
            String modelName = model.descriptor().name();
            generation.result().whenComplete((stats, error) -> ended(turn, rec, modelName, stats, error));
            turn.started(generation);
            return turn;
        } catch (RuntimeException e) {
            answering.remove(conversationId, turn);
            if (recorder != null) {
                recorder.finish(null, false, null, e.getMessage());
            }
            turn.future.completeExceptionally(e);
            throw e;
        }
    }

    private void ended(Turn turn, AnswerRecorder recorder, String modelName, GenerationStats stats, Throwable error) {
        ChatReply reply = null;
        Throwable failure = null;
        try {
            if (error == null) {
                String text = stats.text() != null ? stats.text() : recorder.text();
                StoredMessage saved = recorder.finish(text, true, AnswerStats.of(modelName, stats), null);
                reply = new ChatReply(saved, turn.dropped);
            } else {
                failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                recorder.finish(null, false, null, failure.getMessage());
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        // free the conversation before anyone waiting on the answer can send the next message
        answering.remove(turn.conversationId, turn);
        if (failure == null) {
            turn.future.complete(reply);
        } else {
            turn.future.completeExceptionally(failure);
        }
    }

    private LoadedModel model(Conversation c) {
        ModelManager manager = models;
        if (manager == null) {
            throw new TerroirException("chat.runtime.missing", Messages.get("chat.runtime.missing"));
        }
        String ref = c.modelRef();
        if (ref == null || ref.isBlank()) {
            return manager.current().orElseThrow(() -> new TerroirException("chat.model.none",
                    Messages.get("chat.model.none")));
        }
        return manager.find(ref).filter(LoadedModel::isAlive).orElseGet(() -> manager.load(ref, LoadOptions.defaults()));
    }

    private int countTokens(LoadedModel model, String text) {
        if (text.isEmpty()) {
            return 0;
        }
        String key = model.descriptor().path() + "\u0000" + text;
        synchronized (tokenCounts) {
            Integer known = tokenCounts.get(key);
            if (known != null) {
                return known;
            }
        }
        int count = model.tokenize(text).length;
        synchronized (tokenCounts) {
            tokenCounts.put(key, count);
        }
        return count;
    }

    private static String titleFrom(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= TITLE_LENGTH ? line : line.substring(0, TITLE_LENGTH - 1).strip() + "…";
    }

    private static void safely(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException e) {
            // a failing listener must not stop the answer from being generated and saved
            LOG.log(Level.WARNING, "chat listener failed", e);
        }
    }

    @Override
    public boolean stop(String conversationId) {
        Turn turn = answering.get(conversationId);
        if (turn == null) {
            return false;
        }
        turn.cancel();
        return true;
    }

    // ---- export and presets ----

    @Override
    public String export(String conversationId, ExportFormat format) {
        Conversation c = require(conversationId);
        List<StoredMessage> messages = store.messages(conversationId);
        return switch (format) {
            case MARKDOWN -> Exporter.markdown(c, messages, Texts.locale());
            case JSON -> Exporter.json(c, messages);
        };
    }

    @Override
    public List<Preset> presets() {
        return presets(Texts.locale());
    }

    @Override
    public List<Preset> presets(Locale locale) {
        return Presets.all(locale);
    }

    @Override
    public Optional<Preset> preset(String presetId) {
        return Presets.find(presetId, Texts.locale());
    }

    private Preset requirePreset(String presetId) {
        return preset(presetId).orElseThrow(() -> new TerroirException("chat.preset.unknown",
                Messages.get("chat.preset.unknown", presetId, String.join(", ", Presets.IDS))));
    }

    /** One answer under way. */
    private static final class Turn implements ChatTurn {
        final String conversationId;
        final CompletableFuture<ChatReply> future = new CompletableFuture<>();
        volatile StoredMessage userMessage;
        volatile int dropped;
        private Generation generation;
        private boolean cancelled;

        Turn(String conversationId) {
            this.conversationId = conversationId;
        }

        synchronized void started(Generation g) {
            generation = g;
            if (cancelled) {
                g.cancel();
            }
        }

        @Override
        public String conversationId() {
            return conversationId;
        }

        @Override
        public StoredMessage userMessage() {
            return userMessage;
        }

        @Override
        public int droppedMessages() {
            return dropped;
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            if (generation != null) {
                generation.cancel();
            }
        }

        @Override
        public CompletableFuture<ChatReply> result() {
            return future;
        }
    }
}

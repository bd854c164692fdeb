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
import org.terroir.api.chat.AttachedDocument;
import org.terroir.api.chat.ChatDocuments;
import org.terroir.api.chat.Citation;
import org.terroir.api.chat.DocumentCollection;
import org.terroir.api.chat.ChatListener;
import org.terroir.api.chat.ChatReply;
import org.terroir.api.chat.ChatService;
import org.terroir.api.chat.ChatTool;
import org.terroir.api.chat.ChatTurn;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.ConversationSettings;
import org.terroir.api.chat.ExportFormat;
import org.terroir.api.chat.Preset;
import org.terroir.api.chat.SearchHit;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.documents.DocumentIndex;
import org.terroir.api.documents.IndexedDocument;
import org.terroir.api.documents.Passage;
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
@Component(service = {ChatService.class, ChatDocuments.class}, configurationPid = "org.terroir.chat")
@Designate(ocd = ChatConfig.class)
public class StoredChatService implements ChatService, ChatDocuments {
    private static final System.Logger LOG = System.getLogger(StoredChatService.class.getName());
    private static final int TITLE_LENGTH = 60;
    private static final int TOKEN_CACHE_SIZE = 4096;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelManager models;

    /** Documents attached to conversations and collections; optional: without it, chat goes on without them. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile DocumentIndex documentIndex;

    /** Tools that bundles offer to conversations (a plugin's, for one). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<ChatTool> tools = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The most model rounds of one answer when it calls tools (the last one answers in text). */
    static final int TOOL_ROUNDS = 4;
    private CollectionFolders collections;

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
        // TERROIR_HOME/collections beside TERROIR_HOME/data (tests: beside their own data folder)
        this.collections = new CollectionFolders(options.dataDir().toAbsolutePath().getParent().resolve("collections"));
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
        return get(conversationId).orElseThrow(() -> new TerroirException(org.terroir.api.ErrorKind.NOT_FOUND, "chat.conversation.unknown",
                Messages.get("chat.conversation.unknown", conversationId)));
    }

    @Override
    public List<StoredMessage> messages(String conversationId) {
        require(conversationId);
        return withCitations(conversationId, store.messages(conversationId));
    }

    private List<StoredMessage> withCitations(String conversationId, List<StoredMessage> messages) {
        Map<Long, String> cited = store.citations(conversationId);
        if (cited.isEmpty()) {
            return messages;
        }
        return messages.stream().map(m -> cited.containsKey(m.id())
                ? m.withCitations(ConversationDocuments.fromJson(cited.get(m.id()))) : m).toList();
    }

    @Override
    public Conversation rename(String conversationId, String title) {
        require(conversationId);
        if (title == null || title.isBlank()) {
            throw new TerroirException(org.terroir.api.ErrorKind.BAD_REQUEST, "chat.title.empty", Messages.get("chat.title.empty"));
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
        DocumentIndex index = documentIndex;
        if (index != null && conversationId != null && get(conversationId).isPresent()) {
            // its own documents go with it (a collection's stay for the others)
            index.documents(conversationId).forEach(d -> index.remove(conversationId, d.name()));
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
        if (userText == null || userText.isBlank()) {
            require(conversationId);
            throw new TerroirException(org.terroir.api.ErrorKind.BAD_REQUEST, "chat.message.empty", Messages.get("chat.message.empty"));
        }
        return answer(conversationId, userText, listener, false);
    }

    @Override
    public ChatTurn regenerate(String conversationId, ChatListener listener) {
        return answer(conversationId, null, listener, true);
    }

    /**
     * A turn that failed before its generation started: the conversation free again, what the recorder holds kept as
     * an incomplete answer with the error, the turn's future failed; returns the failure, for the caller to throw.
     */
    private RuntimeException abandon(Turn turn, AnswerRecorder recorder, RuntimeException failure) {
        answering.remove(turn.conversationId, turn);
        if (recorder != null) {
            recorder.finish(null, false, null, failure.getMessage());
        }
        turn.future.completeExceptionally(failure);
        return failure;
    }

    /** The conversation's turn to answer, or a BUSY error while another answer of it runs (one at a time). */
    private Turn claim(String conversationId) {
        Turn turn = new Turn(conversationId);
        if (answering.putIfAbsent(conversationId, turn) != null) {
            throw new TerroirException(org.terroir.api.ErrorKind.BUSY, "chat.busy", Messages.get("chat.busy", conversationId));
        }
        return turn;
    }

    /**
     * Answers {@code userText}, stored as a new question; or, {@code again}, the conversation's last question once
     * more, its previous answer (what follows that question) removed when the new one ends without error.
     */
    private ChatTurn answer(String conversationId, String userText, ChatListener listener, boolean again) {
        Conversation c = require(conversationId);
        ChatListener out = listener == null ? ChatListener.NONE : listener;
        Turn turn = claim(conversationId);
        AnswerRecorder recorder = null;
        try {
            LoadedModel model = model(c);
            if (c.modelRef() == null || c.modelRef().isBlank()) {
                // pin the model that answered, so that the conversation finds it again after a restart
                store.updateConversation(conversationId, model.descriptor().path().toString(), c.presetId(),
                        c.systemPrompt(), c.sampling());
            }
            List<StoredMessage> stored = store.messages(conversationId);
            StoredMessage question = null;
            if (again) {
                int last = -1;
                for (int i = stored.size() - 1; i >= 0 && last < 0; i--) {
                    if (stored.get(i).role() == Role.USER) {
                        last = i;
                    }
                }
                if (last < 0) {
                    throw new TerroirException(org.terroir.api.ErrorKind.BAD_REQUEST, "chat.regenerate.none",
                            Messages.get("chat.regenerate.none"));
                }
                question = stored.get(last);
                userText = question.content();
                turn.replaces = stored.subList(last + 1, stored.size()).stream().map(StoredMessage::id).toList();
                stored = stored.subList(0, last);
            }
            List<ChatMessage> history = stored.stream()
                    .filter(m -> m.role() != Role.SYSTEM && !m.content().isEmpty())
                    .map(StoredMessage::toChatMessage).toList();
            ChatMessage next = ChatMessage.user(userText);
            ContextWindow window = new ContextWindow(model.contextLength(),
                    ContextWindow.reserveFor(c.sampling().maxTokens(), model.contextLength()),
                    options.messageOverheadTokens(), text -> countTokens(model, text));
            ConversationDocuments.Prepared docs = prepareDocuments(c, model, window, userText);
            turn.documents = docs;
            ContextWindow.Fit fit = window.fit(docs.systemPrompt(), history, next);

            if (question != null) {
                turn.userMessage = question;
            } else {
                if (c.messageCount() == 0) {
                    store.rename(conversationId, titleFrom(userText), true, true);
                }
                turn.userMessage = store.addMessage(conversationId, Role.USER, userText, true);
            }
            turn.dropped = fit.droppedMessages();
            StoredMessage answer = store.addMessage(conversationId, Role.ASSISTANT, "", false);
            recorder = new AnswerRecorder(store, answer.id(), scheduler, options.flushIntervalMs());
            if (fit.droppedMessages() > 0) {
                LOG.log(Level.DEBUG, "conversation {0}: {1} old messages left out of the prompt", conversationId,
                        fit.droppedMessages());
                safely(() -> out.onContextTrimmed(fit.droppedMessages()));
            }
            if (docs.leftOut()) {
                LOG.log(Level.DEBUG, "conversation {0}: no room for any excerpt of its documents", conversationId);
                safely(out::onDocumentsLeftOut);
            }
            AnswerRecorder rec = recorder;
            org.terroir.api.inference.TokenListener tokens = token -> {
                rec.append(token);
                safely(() -> out.onToken(token));
            };
            List<ChatTool> offered = List.copyOf(tools);
            String modelName = model.descriptor().name();
            Generation generation = generate(model, fit.messages(), c.sampling(), offered, tokens);
            generation.result().whenComplete((stats, error) -> roundEnded(turn, rec, model, fit.messages(),
                    c.sampling(), offered, tokens, 1, modelName, stats, error));
            turn.started(generation);
            return turn;
        } catch (RuntimeException e) {
            throw abandon(turn, recorder, e);
        }
    }

    /**
     * A generation with the registered tools offered; a backend that cannot call tools (it refuses them as
     * unsupported before answering) is asked again without them.
     */
    private static Generation generate(LoadedModel model, List<ChatMessage> messages, org.terroir.api.inference.Sampling
            sampling, List<ChatTool> tools, org.terroir.api.inference.TokenListener tokens) {
        GenerationRequest request = GenerationRequest.chat(messages, sampling);
        if (!tools.isEmpty()) {
            try {
                return model.generate(request.withTools(tools.stream().map(ChatTool::definition).toList(),
                        org.terroir.api.inference.ToolChoice.AUTO), tokens);
            } catch (TerroirException e) {
                if (e.kind() != org.terroir.api.ErrorKind.UNSUPPORTED) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "{0} answers without tools: {1}", model.descriptor().name(), e.getMessage());
            }
        }
        return model.generate(request, tokens);
    }

    /**
     * After each round: when the model called tools (and the turn was not stopped), runs them, gives it their results
     * and lets it go on, at most {@link #TOOL_ROUNDS} rounds; otherwise the answer ends. The tool exchange is part of
     * this answer's prompt only: the stored answer is the model's text.
     */
    private void roundEnded(Turn turn, AnswerRecorder recorder, LoadedModel model, List<ChatMessage> messages,
            org.terroir.api.inference.Sampling sampling, List<ChatTool> offered,
            org.terroir.api.inference.TokenListener tokens, int round, String modelName, GenerationStats stats,
            Throwable error) {
        if (error == null && stats != null && stats.finishReason() == org.terroir.api.inference.FinishReason.TOOL_CALLS
                && !stats.toolCalls().isEmpty() && !offered.isEmpty() && !turn.isCancelled()) {
            try {
                List<ChatMessage> next = new java.util.ArrayList<>(messages);
                next.add(ChatMessage.assistant(stats.text() == null ? "" : stats.text(), stats.toolCalls()));
                for (org.terroir.api.inference.ToolCall call : stats.toolCalls()) {
                    next.add(ChatMessage.tool(call.id(), runTool(offered, call)));
                }
                // The last round is offered no tools: it answers in words.
                List<ChatTool> nextTools = round + 1 >= TOOL_ROUNDS ? List.of() : offered;
                Generation again = generate(model, next, sampling, nextTools, tokens);
                turn.started(again);
                again.result().whenComplete((s2, e2) -> roundEnded(turn, recorder, model, next, sampling, nextTools,
                        tokens, round + 1, modelName, s2, e2));
                return;
            } catch (RuntimeException e) {
                error = e;
            }
        }
        ended(turn, recorder, modelName, stats, error);
    }

    /** What the model reads back from a tool: its result, or why it failed, in words. */
    private static String runTool(List<ChatTool> offered, org.terroir.api.inference.ToolCall call) {
        ChatTool tool = offered.stream().filter(t -> t.definition().name().equals(call.name())).findFirst()
                .orElse(null);
        if (tool == null) {
            return Messages.get("chat.tool.unknown", call.name());
        }
        try {
            String result = tool.call(call.argumentsJson());
            return result == null ? "" : result;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "tool {0} failed", call.name(), e);
            return Messages.get("chat.tool.failed", call.name(), e.getMessage());
        }
    }

    private void ended(Turn turn, AnswerRecorder recorder, String modelName, GenerationStats stats, Throwable error) {
        ChatReply reply = null;
        Throwable failure = null;
        try {
            if (error == null) {
                String text = stats.text() != null ? stats.text() : recorder.text();
                StoredMessage saved = recorder.finish(text, true, AnswerStats.of(modelName, stats), null);
                saved = keepCitations(saved, turn.documents, text);
                // Asked again: the previous answer goes only now that the new one is there.
                store.deleteMessages(turn.conversationId, turn.replaces);
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
            throw new TerroirException(org.terroir.api.ErrorKind.BACKEND_GONE, "chat.runtime.missing", Messages.get("chat.runtime.missing"));
        }
        String ref = c.modelRef();
        if (ref == null || ref.isBlank()) {
            return manager.current().orElseThrow(() -> new TerroirException(org.terroir.api.ErrorKind.NOT_FOUND, "chat.model.none",
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

    // ---- documents ----

    private DocumentIndex requireIndex() {
        DocumentIndex index = documentIndex;
        if (index == null) {
            throw ConversationDocuments.noIndex();
        }
        return index;
    }

    /** The index keys a conversation's questions read: its own documents, then its collection's (brought up to date). */
    private List<String> documentKeys(String conversationId) {
        DocumentIndex index = documentIndex;
        if (index == null) {
            return List.of();
        }
        List<String> keys = new java.util.ArrayList<>();
        keys.add(conversationId);
        Optional<String> collection = store.collection(conversationId);
        if (collection.isPresent() && collections.exists(collection.get())) {
            for (String problem : collections.sync(collection.get(), index)) {
                LOG.log(Level.WARNING, "collection {0}: {1}", collection.get(), problem);
            }
            keys.add(ConversationDocuments.collectionKey(collection.get()));
        }
        return keys;
    }

    /** Counts with the model's tokenizer; long texts (documents) are not kept in the small-text cache. */
    private int countDocumentTokens(LoadedModel model, String text) {
        return text.length() > 4096 ? model.tokenize(text).length : countTokens(model, text);
    }

    private ConversationDocuments.Prepared prepareDocuments(Conversation c, LoadedModel model, ContextWindow window,
            String question) {
        DocumentIndex index = documentIndex;
        List<String> keys = documentKeys(c.id());
        if (index == null || keys.isEmpty()) {
            return new ConversationDocuments.Prepared(c.systemPrompt(), List.of(), false);
        }
        int fixed = countTokens(model, c.systemPrompt()) + countTokens(model, question)
                + 2 * options.messageOverheadTokens();
        int room = ConversationDocuments.room(window.contextLength(), window.answerReserve(), fixed);
        return ConversationDocuments.prepare(index, keys, c.systemPrompt(), question, room,
                text -> countDocumentTokens(model, text));
    }

    private StoredMessage keepCitations(StoredMessage saved, ConversationDocuments.Prepared docs, String text) {
        if (docs == null || docs.citations().isEmpty()) {
            return saved;
        }
        List<Citation> kept = docs.kept(text);
        if (kept.isEmpty()) {
            return saved;
        }
        store.saveCitations(saved.id(), ConversationDocuments.toJson(kept));
        return saved.withCitations(kept);
    }

    /** The conversation's model if it is loaded (nothing is loaded for a listing); null otherwise. */
    private LoadedModel loadedModel(Conversation c) {
        ModelManager manager = models;
        if (manager == null) {
            return null;
        }
        Optional<LoadedModel> m = c == null || c.modelRef() == null || c.modelRef().isBlank() ? manager.current()
                : manager.find(c.modelRef());
        return m.filter(LoadedModel::isAlive).orElse(null);
    }

    /** Context assumed for the whole-or-indexed verdict shown before any model is loaded. */
    private static final int ASSUMED_CONTEXT = 4096;

    private long documentTokens(DocumentIndex index, String key, IndexedDocument d, LoadedModel model) {
        if (model != null && d.chars() / 8 <= model.contextLength()) {
            String text = String.join("\n\n", index.passages(key, d.name()).stream().map(Passage::text).toList());
            return countDocumentTokens(model, text);
        }
        return ConversationDocuments.estimateTokens(d.chars());
    }

    /** The documents under {@code key}, with the verdict for all those the conversation reads (or the key alone). */
    private List<AttachedDocument> describe(Conversation c, String key) {
        DocumentIndex index = requireIndex();
        LoadedModel model = loadedModel(c);
        List<String> keys = c == null ? List.of(key) : documentKeys(c.id());
        long total = 0;
        Map<String, Long> tokens = new LinkedHashMap<>();
        for (String k : keys) {
            for (IndexedDocument d : index.documents(k)) {
                long t = documentTokens(index, k, d, model);
                total += t + 12L * Math.max(1, d.pages() + d.sections());
                if (k.equals(key)) {
                    tokens.put(d.name(), t);
                }
            }
        }
        int ctx = model == null ? ASSUMED_CONTEXT : model.contextLength();
        Sampling sampling = c == null ? Sampling.defaults() : c.sampling();
        String system = c == null ? "" : c.systemPrompt();
        int fixed = (model == null ? (int) ConversationDocuments.estimateTokens(system.length())
                : countTokens(model, system)) + 2 * options.messageOverheadTokens() + 64;
        int room = ConversationDocuments.room(ctx, ContextWindow.reserveFor(sampling.maxTokens(), ctx), fixed)
                - (int) ConversationDocuments.estimateTokens(Messages.get("chat.documents.instruction").length());
        String mode = total <= room ? AttachedDocument.WHOLE : AttachedDocument.INDEXED;
        return index.documents(key).stream()
                .map(d -> ConversationDocuments.attached(d, tokens.getOrDefault(d.name(), 0L), mode)).toList();
    }

    private static AttachedDocument named(List<AttachedDocument> docs, String name) {
        return docs.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public AttachedDocument attach(String conversationId, java.nio.file.Path file) {
        Conversation c = require(conversationId);
        IndexedDocument d = requireIndex().add(c.id(), file);
        return named(describe(c, c.id()), d.name());
    }

    @Override
    public List<AttachedDocument> documents(String conversationId) {
        Conversation c = require(conversationId);
        return documentIndex == null ? List.of() : describe(c, c.id());
    }

    @Override
    public boolean detach(String conversationId, String name) {
        Conversation c = require(conversationId);
        return name != null && requireIndex().remove(c.id(), name);
    }

    @Override
    public void useCollection(String conversationId, String collection) {
        require(conversationId);
        if (collection != null && !collection.isBlank()) {
            collections.require(collection.strip());
            store.setCollection(conversationId, collection.strip());
        } else {
            store.setCollection(conversationId, null);
        }
    }

    @Override
    public Optional<String> collection(String conversationId) {
        require(conversationId);
        return store.collection(conversationId);
    }

    @Override
    public DocumentCollection createCollection(String name) {
        collections.create(name);
        return collections.describe(name, requireIndex());
    }

    @Override
    public AttachedDocument addToCollection(String collection, java.nio.file.Path file) {
        DocumentIndex index = requireIndex();
        collections.require(collection);
        if (!java.nio.file.Files.isRegularFile(file)) {
            index.add(ConversationDocuments.collectionKey(collection), file); // its "not found" message
        }
        java.nio.file.Path copy = collections.copyIn(collection, file);
        IndexedDocument d;
        try {
            d = index.add(ConversationDocuments.collectionKey(collection), copy);
        } catch (RuntimeException e) {
            try {
                java.nio.file.Files.deleteIfExists(copy);
            } catch (java.io.IOException ignored) {
                // the next sync leaves it out again, with the same error in the log
            }
            throw e;
        }
        collections.record(collection, copy);
        return named(describe(null, ConversationDocuments.collectionKey(collection)), d.name());
    }

    @Override
    public boolean removeFromCollection(String collection, String name) {
        return name != null && collections.delete(collection, name, requireIndex());
    }

    @Override
    public List<DocumentCollection> collections() {
        DocumentIndex index = requireIndex();
        List<DocumentCollection> out = new java.util.ArrayList<>();
        for (String name : collections.names()) {
            collections.sync(name, index).forEach(p -> LOG.log(Level.WARNING, "collection {0}: {1}", name, p));
            out.add(collections.describe(name, index));
        }
        return out;
    }

    @Override
    public List<AttachedDocument> collectionDocuments(String collection) {
        DocumentIndex index = requireIndex();
        collections.sync(collection, index).forEach(p -> LOG.log(Level.WARNING, "collection {0}: {1}", collection, p));
        return describe(null, ConversationDocuments.collectionKey(collection));
    }

    @Override
    public List<Citation> passages(String collection, String question, int k) {
        DocumentIndex index = requireIndex();
        collections.require(collection);
        collections.sync(collection, index).forEach(p -> LOG.log(Level.WARNING, "collection {0}: {1}", collection, p));
        List<Citation> out = new java.util.ArrayList<>();
        for (org.terroir.api.documents.ScoredPassage sp : index.search(ConversationDocuments.collectionKey(collection),
                question, Math.max(0, Math.min(k, 50)))) {
            Passage p = sp.passage();
            out.add(new Citation(out.size() + 1, p.document(), p.page(), p.section(), p.text(), sp.score()));
        }
        return out;
    }

    @Override
    public ChatTurn summarize(String conversationId, String name, ChatListener listener) {
        Conversation c = require(conversationId);
        DocumentIndex index = requireIndex();
        List<Passage> passages = List.of();
        for (String key : documentKeys(c.id())) {
            passages = index.passages(key, name == null ? "" : name);
            if (!passages.isEmpty()) {
                break;
            }
        }
        if (passages.isEmpty()) {
            throw new TerroirException(org.terroir.api.ErrorKind.NOT_FOUND, "chat.documents.unknown",
                    Messages.get("chat.documents.unknown", name, conversationId));
        }
        ChatListener out = listener == null ? ChatListener.NONE : listener;
        Turn turn = claim(conversationId);
        AnswerRecorder recorder = null;
        try {
            LoadedModel model = model(c);
            int ctx = model.contextLength();
            int reserve = ContextWindow.reserveFor(c.sampling().maxTokens(), ctx);
            String partPrompt = Messages.get("chat.summary.part");
            String combinePrompt = Messages.get("chat.summary.combine");
            int room = ctx - reserve - Math.max(countTokens(model, partPrompt), countTokens(model, combinePrompt))
                    - 2 * options.messageOverheadTokens() - 8;
            if (room < 32) {
                throw new TerroirException(org.terroir.api.ErrorKind.PROMPT_TOO_LONG, "chat.summary.context",
                        Messages.get("chat.summary.context", ctx));
            }
            List<String> parts = Summaries.parts(passages, room, text -> countDocumentTokens(model, text));
            if (c.messageCount() == 0) {
                store.rename(conversationId, titleFrom(Messages.get("chat.summary.request", name)), true, true);
            }
            turn.userMessage = store.addMessage(conversationId, Role.USER, Messages.get("chat.summary.request", name),
                    true);
            StoredMessage answer = store.addMessage(conversationId, Role.ASSISTANT, "", false);
            AnswerRecorder rec = new AnswerRecorder(store, answer.id(), scheduler, options.flushIntervalMs());
            recorder = rec;
            String modelName = model.descriptor().name();
            Thread worker = new Thread(() -> {
                try {
                    List<String> summaries = new java.util.ArrayList<>();
                    String finalPrompt = partPrompt;
                    String finalInput = parts.get(0);
                    if (parts.size() > 1) {
                        for (int i = 0; i < parts.size(); i++) {
                            int part = i + 1;
                            safely(() -> out.onProgress(part, parts.size()));
                            Generation g = model.generate(GenerationRequest.chat(List.of(ChatMessage.system(partPrompt),
                                    ChatMessage.user(parts.get(i))), c.sampling()), token -> { });
                            turn.started(g);
                            GenerationStats stats = g.result().join();
                            if (turn.isCancelled()) {
                                ended(turn, rec, modelName, stats, null);
                                return;
                            }
                            summaries.add(stats.text() == null ? "" : stats.text().strip());
                        }
                        finalPrompt = combinePrompt;
                        finalInput = Summaries.combined(summaries, room, text -> countDocumentTokens(model, text));
                    }
                    safely(() -> out.onProgress(parts.size() + 1, parts.size()));
                    Generation g = model.generate(GenerationRequest.chat(List.of(ChatMessage.system(finalPrompt),
                            ChatMessage.user(finalInput)), c.sampling()), token -> {
                                rec.append(token);
                                safely(() -> out.onToken(token));
                            });
                    g.result().whenComplete((stats, error) -> ended(turn, rec, modelName, stats, error));
                    turn.started(g);
                } catch (RuntimeException e) {
                    ended(turn, rec, modelName, null, e);
                }
            }, "terroir-chat-summary");
            worker.setDaemon(true);
            worker.start();
            return turn;
        } catch (RuntimeException e) {
            throw abandon(turn, recorder, e);
        }
    }

    // ---- export and presets ----

    @Override
    public String export(String conversationId, ExportFormat format) {
        Conversation c = require(conversationId);
        List<StoredMessage> messages = withCitations(conversationId, store.messages(conversationId));
        return switch (format) {
            case MARKDOWN -> Exporter.markdown(c, messages, Texts.locale());
            case JSON -> Exporter.json(c, messages);
        };
    }

    @Override
    public List<Preset> presets() {
        return presets(Texts.locale());
    }

    /** Presets of other bundles (plugins), listed after the built-in ones while they are registered. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<org.terroir.api.chat.PresetProvider> presetProviders =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public List<Preset> presets(Locale locale) {
        List<Preset> all = new java.util.ArrayList<>(Presets.all(locale));
        java.util.Set<String> ids = new java.util.HashSet<>(Presets.IDS);
        for (org.terroir.api.chat.PresetProvider provider : presetProviders) {
            List<Preset> more;
            try {
                more = provider.presets(locale);
            } catch (RuntimeException e) {
                // A broken plugin must not take the built-in presets with it.
                LOG.log(System.Logger.Level.WARNING, "a preset provider failed", e);
                continue;
            }
            for (Preset preset : more == null ? List.<Preset>of() : more) {
                if (preset != null && preset.id() != null && ids.add(preset.id())) {
                    all.add(preset);
                }
            }
        }
        return all;
    }

    @Override
    public Optional<Preset> preset(String presetId) {
        if (presetId == null) {
            return Optional.empty();
        }
        Optional<Preset> builtIn = Presets.find(presetId, Texts.locale());
        return builtIn.isPresent() ? builtIn
                : presets(Texts.locale()).stream().filter(p -> presetId.equals(p.id())).findFirst();
    }

    private Preset requirePreset(String presetId) {
        return preset(presetId).orElseThrow(() -> new TerroirException(org.terroir.api.ErrorKind.NOT_FOUND, "chat.preset.unknown",
                Messages.get("chat.preset.unknown", presetId,
                        String.join(", ", presets(Texts.locale()).stream().map(Preset::id).toList()))));
    }

    /** One answer under way. */
    private static final class Turn implements ChatTurn {
        final String conversationId;
        final CompletableFuture<ChatReply> future = new CompletableFuture<>();
        volatile StoredMessage userMessage;
        volatile int dropped;
        volatile ConversationDocuments.Prepared documents;
        /** What the answer replaces once it has ended without error (an answer asked again). */
        volatile List<Long> replaces = List.of();
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

        synchronized boolean isCancelled() {
            return cancelled;
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

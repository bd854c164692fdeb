package org.terroir.chat.internal;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.terroir.api.TerroirHome;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.AnswerStats;
import org.terroir.api.energy.EnergyUse;
import org.terroir.api.chat.Conversation;
import org.terroir.api.chat.SearchHit;
import org.terroir.api.chat.StoredMessage;
import org.terroir.api.inference.ChatMessage.Role;
import org.terroir.api.inference.FinishReason;
import org.terroir.api.inference.Sampling;

/**
 * The history database: one SQLite file in WAL mode. Every change is its own committed transaction, so a killed
 * process keeps everything written before it died. One connection, used by one thread at a time: SQLite writes
 * are serialised anyway, and chat writes are small.
 */
final class ChatStore implements AutoCloseable {
    static final String FILE_NAME = "chat.db";
    private static final int SCHEMA_VERSION = 1;
    private static final String CONVERSATION_COLUMNS = "c.id, c.title, c.model_ref, c.preset_id, c.system_prompt, "
            + "c.max_tokens, c.temperature, c.top_k, c.top_p, c.min_p, c.repeat_penalty, c.seed, c.stop, "
            + "c.created_at, c.updated_at, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)";
    private static final String MESSAGE_COLUMNS = "id, conversation_id, role, content, created_at, complete, model, "
            + "prompt_tokens, generated_tokens, ttft_ms, total_ms, tokens_per_s, finish_reason, error, "
            + "energy_j, energy_method, energy_source";

    /** Orders conversations by their last change even within one millisecond. */
    private static final String NEXT_SEQ = "(SELECT coalesce(max(seq), 0) + 1 FROM conversations)";

    private final Connection connection;
    private final boolean fullText;

    private ChatStore(Connection connection, boolean fullText) {
        this.connection = connection;
        this.fullText = fullText;
    }

    static ChatStore open(Path dataDir) {
        try {
            TerroirHome.createPrivateDirectories(dataDir);
            // SQLite gives its -wal and -shm files the permissions of the database: all three this account's only.
            Path db = dataDir.resolve(FILE_NAME);
            if (!Files.exists(db)) {
                Files.createFile(db, TerroirHome.privateFile());
            }
            for (String suffix : new String[] { "", "-wal", "-shm" }) {
                TerroirHome.makePrivate(dataDir.resolve(FILE_NAME + suffix));
            }
        } catch (IOException e) {
            throw new TerroirException(org.terroir.api.ErrorKind.INTERNAL, "chat.store.open", Messages.get("chat.store.open", dataDir, e.getMessage()), e);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // NORMAL with WAL: a commit survives the process being killed; only a power cut can lose the last
            // commits, and never corrupts the file.
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(5000);
            // The data source is used directly rather than through DriverManager, which cannot see drivers of
            // other bundles' class loaders.
            SQLiteDataSource source = new SQLiteDataSource(config);
            source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
            Connection connection = source.getConnection();
            boolean fullText = createSchema(connection);
            return new ChatStore(connection, fullText);
        } catch (SQLException e) {
            throw new TerroirException(org.terroir.api.ErrorKind.INTERNAL, "chat.store.open", Messages.get("chat.store.open", file, e.getMessage()), e);
        }
    }

    private static boolean createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
                    + "title_auto INTEGER NOT NULL DEFAULT 0, model_ref TEXT, preset_id TEXT, "
                    + "system_prompt TEXT NOT NULL DEFAULT '', max_tokens INTEGER NOT NULL, temperature REAL NOT NULL, "
                    + "top_k INTEGER NOT NULL, top_p REAL NOT NULL, min_p REAL NOT NULL, repeat_penalty REAL NOT NULL, "
                    + "seed INTEGER, stop TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, "
                    + "updated_at INTEGER NOT NULL, seq INTEGER NOT NULL DEFAULT 0)");
            s.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    + "conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, "
                    + "role TEXT NOT NULL, content TEXT NOT NULL, created_at INTEGER NOT NULL, complete INTEGER NOT NULL, "
                    + "model TEXT, prompt_tokens INTEGER, generated_tokens INTEGER, ttft_ms REAL, total_ms REAL, "
                    + "tokens_per_s REAL, finish_reason TEXT, error TEXT)");
            s.execute("CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id)");
            createDocumentTables(c);
            addEnergyColumns(c);
            s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            try {
                s.execute("CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(content, content='messages', "
                        + "content_rowid='id', tokenize='unicode61 remove_diacritics 2')");
            } catch (SQLException noFts5) {
                return false; // a SQLite built without FTS5: search falls back to LIKE
            }
            s.execute("CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN "
                    + "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END");
            s.execute("CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN "
                    + "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END");
            s.execute("CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
                    + "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); "
                    + "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END");
            return true;
        }
    }

    /** Each answer's energy (joules, MEASURED or ESTIMATED, source), added to a database made before them. */
    private static void addEnergyColumns(Connection c) throws SQLException {
        java.util.Set<String> columns = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(messages)")) {
            while (r.next()) {
                columns.add(r.getString("name"));
            }
        }
        try (Statement s = c.createStatement()) {
            for (String column : List.of("energy_j REAL", "energy_method TEXT", "energy_source TEXT")) {
                if (!columns.contains(column.substring(0, column.indexOf(' ')))) {
                    s.execute("ALTER TABLE messages ADD COLUMN " + column);
                }
            }
        }
    }

    boolean fullText() {
        return fullText;
    }

    // ---- conversations ----

    synchronized Conversation createConversation(String title, boolean titleAuto, String modelRef, String presetId,
            String systemPrompt, Sampling sampling) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        long now = System.currentTimeMillis();
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO conversations (id, title, title_auto, "
                + "model_ref, preset_id, system_prompt, max_tokens, temperature, top_k, top_p, min_p, repeat_penalty, "
                + "seed, stop, created_at, updated_at, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?," + NEXT_SEQ + ")")) {
            p.setString(1, id);
            p.setString(2, title);
            p.setInt(3, titleAuto ? 1 : 0);
            p.setString(4, modelRef);
            p.setString(5, presetId);
            p.setString(6, systemPrompt == null ? "" : systemPrompt);
            bindSampling(p, 7, sampling);
            p.setLong(15, now);
            p.setLong(16, now);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
        return conversation(id).orElseThrow();
    }

    private static void bindSampling(PreparedStatement p, int at, Sampling s) throws SQLException {
        p.setInt(at, s.maxTokens());
        p.setDouble(at + 1, s.temperature());
        p.setInt(at + 2, s.topK());
        p.setDouble(at + 3, s.topP());
        p.setDouble(at + 4, s.minP());
        p.setDouble(at + 5, s.repeatPenalty());
        if (s.seed() == null) {
            p.setNull(at + 6, Types.INTEGER);
        } else {
            p.setLong(at + 6, s.seed());
        }
        p.setString(at + 7, encodeStops(s.stop()));
    }

    synchronized void updateConversation(String id, String modelRef, String presetId, String systemPrompt,
            Sampling sampling) {
        try (PreparedStatement p = connection.prepareStatement("UPDATE conversations SET model_ref = ?, preset_id = ?, "
                + "system_prompt = ?, max_tokens = ?, temperature = ?, top_k = ?, top_p = ?, min_p = ?, "
                + "repeat_penalty = ?, seed = ?, stop = ?, updated_at = ?, seq = " + NEXT_SEQ + " WHERE id = ?")) {
            p.setString(1, modelRef);
            p.setString(2, presetId);
            p.setString(3, systemPrompt == null ? "" : systemPrompt);
            bindSampling(p, 4, sampling);
            p.setLong(12, System.currentTimeMillis());
            p.setString(13, id);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Renames; with {@code onlyIfAuto} only a title the service chose itself is replaced. */
    synchronized void rename(String id, String title, boolean auto, boolean onlyIfAuto) {
        String sql = "UPDATE conversations SET title = ?, title_auto = ?, updated_at = ?, seq = " + NEXT_SEQ + " WHERE id = ?"
                + (onlyIfAuto ? " AND title_auto = 1" : "");
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            p.setString(1, title);
            p.setInt(2, auto ? 1 : 0);
            p.setLong(3, System.currentTimeMillis());
            p.setString(4, id);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized boolean deleteConversation(String id) {
        return transaction(() -> {
            try (PreparedStatement m = connection.prepareStatement("DELETE FROM messages WHERE conversation_id = ?");
                    PreparedStatement c = connection.prepareStatement("DELETE FROM conversations WHERE id = ?")) {
                m.setString(1, id);
                m.executeUpdate();
                c.setString(1, id);
                int n = c.executeUpdate();
                connection.commit();
                return n > 0;
            }
        });
    }

    synchronized Optional<Conversation> conversation(String id) {
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT " + CONVERSATION_COLUMNS + " FROM conversations c WHERE c.id = ?")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(readConversation(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized List<Conversation> conversations() {
        return query("SELECT " + CONVERSATION_COLUMNS + " FROM conversations c ORDER BY c.seq DESC", List.of(),
                ChatStore::readConversation);
    }

    private static Conversation readConversation(ResultSet r) throws SQLException {
        long seed = r.getLong(12);
        Long seedValue = r.wasNull() ? null : seed;
        Sampling sampling = new Sampling(r.getInt(6), r.getFloat(7), r.getInt(8), r.getFloat(9), r.getFloat(10),
                r.getFloat(11), seedValue, decodeStops(r.getString(13)));
        return new Conversation(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                sampling, Instant.ofEpochMilli(r.getLong(14)), Instant.ofEpochMilli(r.getLong(15)), r.getInt(16));
    }

    // ---- messages ----

    synchronized StoredMessage addMessage(String conversationId, Role role, String content, boolean complete) {
        long now = System.currentTimeMillis();
        return transaction(() -> {
            try (PreparedStatement p = connection.prepareStatement("INSERT INTO messages (conversation_id, role, "
                    + "content, created_at, complete) VALUES (?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, conversationId);
                p.setString(2, role.wireName());
                p.setString(3, content);
                p.setLong(4, now);
                p.setInt(5, complete ? 1 : 0);
                p.executeUpdate();
                long id;
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                touch(conversationId, now);
                connection.commit();
                return new StoredMessage(id, conversationId, role, content, Instant.ofEpochMilli(now), complete, null,
                        null);
            }
        });
    }

    /** Removes messages of a conversation (and their citations); the number removed. */
    synchronized int deleteMessages(String conversationId, java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return transaction(() -> {
            int n = 0;
            try (PreparedStatement c = connection.prepareStatement("DELETE FROM message_citations WHERE message_id = ?");
                    PreparedStatement m = connection.prepareStatement(
                            "DELETE FROM messages WHERE id = ? AND conversation_id = ?")) {
                for (long id : ids) {
                    c.setLong(1, id);
                    c.executeUpdate();
                    m.setLong(1, id);
                    m.setString(2, conversationId);
                    n += m.executeUpdate();
                }
                touch(conversationId, System.currentTimeMillis());
                connection.commit();
                return n;
            }
        });
    }

    private void touch(String conversationId, long now) throws SQLException {
        try (PreparedStatement t = connection.prepareStatement("UPDATE conversations SET updated_at = ?, seq = " + NEXT_SEQ
                + " WHERE id = ?")) {
            t.setLong(1, now);
            t.setString(2, conversationId);
            t.executeUpdate();
        }
    }

    /** Saves what an answer holds so far; it stays marked incomplete. */
    synchronized void savePartial(long messageId, String content) {
        try (PreparedStatement p = connection.prepareStatement("UPDATE messages SET content = ? WHERE id = ?")) {
            p.setString(1, content);
            p.setLong(2, messageId);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Saves a finished answer: its whole text, its statistics, and the complete mark, in one transaction. */
    synchronized StoredMessage finish(long messageId, String content, boolean complete, AnswerStats stats,
            String error) {
        transaction(() -> {
            try (PreparedStatement p = connection.prepareStatement("UPDATE messages SET content = ?, complete = ?, "
                    + "model = ?, prompt_tokens = ?, generated_tokens = ?, ttft_ms = ?, total_ms = ?, tokens_per_s = ?, "
                    + "finish_reason = ?, error = ?, energy_j = ?, energy_method = ?, energy_source = ? WHERE id = ?")) {
                p.setString(1, content);
                p.setInt(2, complete ? 1 : 0);
                if (stats == null) {
                    for (int i = 3; i <= 9; i++) {
                        p.setNull(i, Types.NULL);
                    }
                } else {
                    p.setString(3, stats.model());
                    p.setInt(4, stats.promptTokens());
                    p.setInt(5, stats.generatedTokens());
                    p.setDouble(6, stats.timeToFirstTokenMs());
                    p.setDouble(7, stats.totalMs());
                    p.setDouble(8, stats.tokensPerSecond());
                    p.setString(9, stats.finishReason().name());
                }
                p.setString(10, error);
                EnergyUse energy = stats == null ? null : stats.energy();
                if (energy == null) {
                    p.setNull(11, Types.REAL);
                    p.setNull(12, Types.VARCHAR);
                    p.setNull(13, Types.VARCHAR);
                } else {
                    p.setDouble(11, energy.joules());
                    p.setString(12, energy.method().name());
                    p.setString(13, energy.source());
                }
                p.setLong(14, messageId);
                p.executeUpdate();
                String conversationId = null;
                try (PreparedStatement q = connection.prepareStatement(
                        "SELECT conversation_id FROM messages WHERE id = ?")) {
                    q.setLong(1, messageId);
                    try (ResultSet r = q.executeQuery()) {
                        if (r.next()) {
                            conversationId = r.getString(1);
                        }
                    }
                }
                if (conversationId != null) {
                    touch(conversationId, System.currentTimeMillis());
                }
                connection.commit();
            }
            return null;
        });
        return message(messageId).orElseThrow();
    }

    synchronized Optional<StoredMessage> message(long id) {
        try (PreparedStatement p = connection.prepareStatement("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(readMessage(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized List<StoredMessage> messages(String conversationId) {
        return query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = ? ORDER BY id",
                List.of(conversationId), ChatStore::readMessage);
    }

    private static StoredMessage readMessage(ResultSet r) throws SQLException {
        String finish = r.getString(13);
        AnswerStats stats = finish == null ? null
                : new AnswerStats(r.getString(7), r.getInt(8), r.getInt(9), r.getDouble(10), r.getDouble(11),
                        r.getDouble(12), FinishReason.valueOf(finish)).withEnergy(readEnergy(r));
        return new StoredMessage(r.getLong(1), r.getString(2), Role.valueOf(r.getString(3).toUpperCase(java.util.Locale.ROOT)),
                r.getString(4), Instant.ofEpochMilli(r.getLong(5)), r.getInt(6) != 0, stats, r.getString(14));
    }

    private static EnergyUse readEnergy(ResultSet r) throws SQLException {
        double joules = r.getDouble(15);
        if (r.wasNull()) {
            return null;
        }
        try {
            return new EnergyUse(joules, EnergyUse.Method.valueOf(r.getString(16)),
                    r.getString(17) == null ? "" : r.getString(17));
        } catch (IllegalArgumentException | NullPointerException damaged) {
            return null; // a damaged row loses its energy, not the message
        }
    }

    // ---- documents: an answer's citations, a conversation's collection ----

    /** Tables of their own, so that databases made before them keep loading and their rows go with the message. */
    private static void createDocumentTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS message_citations (message_id INTEGER PRIMARY KEY "
                    + "REFERENCES messages(id) ON DELETE CASCADE, citations TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS conversation_collections (conversation_id TEXT PRIMARY KEY "
                    + "REFERENCES conversations(id) ON DELETE CASCADE, collection TEXT NOT NULL)");
        }
    }

    synchronized void saveCitations(long messageId, String json) {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT OR REPLACE INTO message_citations (message_id, citations) VALUES (?, ?)")) {
            p.setLong(1, messageId);
            p.setString(2, json);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The citations (JSON) of a conversation's answers, by message id. */
    synchronized Map<Long, String> citations(String conversationId) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (Object[] row : query("SELECT c.message_id, c.citations FROM message_citations c JOIN messages m "
                + "ON m.id = c.message_id WHERE m.conversation_id = ?", List.of(conversationId),
                r -> new Object[] { r.getLong(1), r.getString(2) })) {
            out.put((Long) row[0], (String) row[1]);
        }
        return out;
    }

    synchronized Optional<String> collection(String conversationId) {
        return query("SELECT collection FROM conversation_collections WHERE conversation_id = ?",
                List.of(conversationId), r -> r.getString(1)).stream().findFirst();
    }

    /** Sets (null: removes) the collection a conversation uses. */
    synchronized void setCollection(String conversationId, String collection) {
        String sql = collection == null ? "DELETE FROM conversation_collections WHERE conversation_id = ?"
                : "INSERT OR REPLACE INTO conversation_collections (conversation_id, collection) VALUES (?, ?)";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            p.setString(1, conversationId);
            if (collection != null) {
                p.setString(2, collection);
            }
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    // ---- search ----

    synchronized List<SearchHit> search(String query, int limit) {
        List<String> terms = Arrays.stream(query.split("[^\\p{L}\\p{N}]+")).filter(t -> !t.isBlank()).toList();
        if (terms.isEmpty() || limit <= 0) {
            return List.of();
        }
        Map<String, SearchHit> hits = new LinkedHashMap<>();
        String titleSql = "SELECT id, title FROM conversations WHERE "
                + terms.stream().map(t -> "title LIKE ? ESCAPE '\\'").collect(Collectors.joining(" AND "))
                + " ORDER BY seq DESC LIMIT ?";
        List<Object> params = new ArrayList<>(terms.stream().map(ChatStore::like).toList());
        params.add(limit);
        for (SearchHit hit : query(titleSql, params, r -> new SearchHit(r.getString(1), r.getString(2), 0,
                r.getString(2)))) {
            hits.put(hit.conversationId() + ":0", hit);
        }
        String sql;
        if (fullText) {
            sql = "SELECT m.conversation_id, c.title, m.id, snippet(messages_fts, 0, '[', ']', '…', 12) "
                    + "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
                    + "JOIN conversations c ON c.id = m.conversation_id WHERE messages_fts MATCH ? "
                    + "ORDER BY rank LIMIT ?";
        } else {
            sql = "SELECT m.conversation_id, c.title, m.id, substr(m.content, 1, 120) FROM messages m "
                    + "JOIN conversations c ON c.id = m.conversation_id WHERE "
                    + terms.stream().map(t -> "m.content LIKE ? ESCAPE '\\'").collect(Collectors.joining(" AND "))
                    + " ORDER BY m.id DESC LIMIT ?";
        }
        List<Object> messageParams = new ArrayList<>();
        if (fullText) {
            // Each term quoted (no FTS syntax from users) and prefix-matched: "gramm" finds "grammaire".
            messageParams.add(terms.stream().map(t -> "\"" + t.replace("\"", "\"\"") + "\"*")
                    .collect(Collectors.joining(" ")));
        } else {
            terms.stream().map(ChatStore::like).forEach(messageParams::add);
        }
        messageParams.add(limit);
        for (SearchHit hit : query(sql, messageParams, r -> new SearchHit(r.getString(1), r.getString(2),
                r.getLong(3), r.getString(4)))) {
            hits.putIfAbsent(hit.conversationId() + ":" + hit.messageId(), hit);
        }
        return hits.values().stream().limit(limit).toList();
    }

    private static String like(String term) {
        return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed by {@code work}, rolled back if it fails. */
    private <T> T transaction(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                return work.run();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet r) throws SQLException;
    }

    /** Every row of a query, read by {@code row}; {@code params} fill the ?s in order. */
    private <T> List<T> query(String sql, List<?> params, Row<T> row) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                p.setObject(i + 1, params.get(i));
            }
            try (ResultSet r = p.executeQuery()) {
                List<T> list = new ArrayList<>();
                while (r.next()) {
                    list.add(row.read(r));
                }
                return list;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static String encodeStops(List<String> stops) {
        return stops.stream().map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)).collect(Collectors.joining(","));
    }

    private static List<String> decodeStops(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(text.split(",", -1)).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    }

    private static TerroirException failure(SQLException e) {
        return new TerroirException(org.terroir.api.ErrorKind.INTERNAL, "chat.store.failed", Messages.get("chat.store.failed", e.getMessage()), e);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing is best effort: every write was committed already
        }
    }
}

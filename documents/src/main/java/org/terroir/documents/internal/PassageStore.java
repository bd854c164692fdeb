package org.terroir.documents.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirHome;
import org.terroir.api.documents.IndexedDocument;
import org.terroir.api.documents.Passage;

/**
 * Documents, passages and their vectors in one SQLite database ({@code documents.db}); vectors are float32
 * little-endian blobs. One connection, used under this object's lock.
 */
final class PassageStore implements AutoCloseable {
    /** A stored passage with its vector. */
    record Row(Passage passage, float[] vector) {
    }

    private final Path file;
    private final Connection db;

    PassageStore(Path file) {
        this.file = file;
        try {
            TerroirHome.createPrivateDirectories(file.toAbsolutePath().getParent());
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.enforceForeignKeys(true);
            SQLiteDataSource ds = new SQLiteDataSource(config);
            ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
            db = ds.getConnection();
            try (Statement s = db.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS documents (collection TEXT NOT NULL, name TEXT NOT NULL,"
                        + " format TEXT NOT NULL, pages INTEGER NOT NULL, passages INTEGER NOT NULL,"
                        + " chars INTEGER NOT NULL, indexed_at INTEGER NOT NULL, millis INTEGER NOT NULL,"
                        + " model TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (collection, name))");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS passages (collection TEXT NOT NULL,"
                        + " document TEXT NOT NULL, ord INTEGER NOT NULL, page INTEGER NOT NULL,"
                        + " section TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL,"
                        + " PRIMARY KEY (collection, document, ord),"
                        + " FOREIGN KEY (collection, document) REFERENCES documents (collection, name)"
                        + " ON DELETE CASCADE)");
            }
            Files.list(file.toAbsolutePath().getParent()).filter(p -> p.getFileName().toString()
                    .startsWith(file.getFileName().toString())).forEach(p -> {
                        try {
                            TerroirHome.makePrivate(p);
                        } catch (IOException ignored) {
                            // best effort: the folder is private already
                        }
                    });
        } catch (SQLException | IOException e) {
            throw Messages.error(ErrorKind.INTERNAL, "documents.store", e, file, e.getMessage());
        }
    }

    synchronized void put(String collection, IndexedDocument doc, String model, List<Passage> passages,
            List<float[]> vectors) {
        try {
            db.setAutoCommit(false);
            try {
                delete(collection, doc.name());
                long seq;
                try (PreparedStatement q = db.prepareStatement(
                        "SELECT COALESCE(MAX(seq), 0) + 1 FROM documents WHERE collection = ?")) {
                    q.setString(1, collection);
                    try (ResultSet rs = q.executeQuery()) {
                        seq = rs.next() ? rs.getLong(1) : 1;
                    }
                }
                try (PreparedStatement d = db.prepareStatement("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                    d.setString(1, collection);
                    d.setString(2, doc.name());
                    d.setString(3, doc.format());
                    d.setInt(4, doc.pages());
                    d.setInt(5, doc.passages());
                    d.setLong(6, doc.chars());
                    d.setLong(7, doc.indexedAt().toEpochMilli());
                    d.setLong(8, doc.millis());
                    d.setString(9, model);
                    d.setLong(10, seq);
                    d.executeUpdate();
                }
                try (PreparedStatement p = db.prepareStatement("INSERT INTO passages VALUES (?,?,?,?,?,?,?)")) {
                    for (int i = 0; i < passages.size(); i++) {
                        Passage passage = passages.get(i);
                        p.setString(1, collection);
                        p.setString(2, doc.name());
                        p.setInt(3, i);
                        p.setInt(4, passage.page());
                        p.setString(5, passage.section());
                        p.setString(6, passage.text());
                        p.setBytes(7, bytes(vectors.get(i)));
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    synchronized boolean remove(String collection, String name) {
        try {
            return delete(collection, name) > 0;
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    private int delete(String collection, String name) throws SQLException {
        try (PreparedStatement d = db.prepareStatement("DELETE FROM documents WHERE collection = ? AND name = ?")) {
            d.setString(1, collection);
            d.setString(2, name);
            return d.executeUpdate();
        }
    }

    synchronized List<IndexedDocument> documents(String collection) {
        try (PreparedStatement q = db.prepareStatement("SELECT d.name, d.format, d.pages, d.passages, d.chars,"
                + " d.indexed_at, d.millis, (SELECT count(DISTINCT p.section) FROM passages p WHERE"
                + " p.collection = d.collection AND p.document = d.name AND p.section <> ''),"
                + " (SELECT coalesce(sum(length(CAST(p.text AS BLOB)) + length(p.vector) + length(p.section)), 0)"
                + " FROM passages p WHERE p.collection = d.collection AND p.document = d.name)"
                + " FROM documents d WHERE d.collection = ? ORDER BY d.seq")) {
            q.setString(1, collection);
            List<IndexedDocument> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new IndexedDocument(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                            rs.getLong(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getLong(7), rs.getInt(8),
                            rs.getLong(9)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    /** The passages of one document, or of the whole collection when {@code document} is null, in order. */
    synchronized List<Row> rows(String collection, String document, boolean withVectors) {
        String sql = "SELECT p.document, p.page, p.section, p.text" + (withVectors ? ", p.vector" : "")
                + " FROM passages p JOIN documents d ON d.collection = p.collection AND d.name = p.document"
                + " WHERE p.collection = ?" + (document == null ? "" : " AND p.document = ?")
                + " ORDER BY d.seq, p.ord";
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setString(1, collection);
            if (document != null) {
                q.setString(2, document);
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(new Passage(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)),
                            withVectors ? floats(rs.getBytes(5)) : null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    private RuntimeException storeError(SQLException e) {
        return Messages.error(ErrorKind.INTERNAL, "documents.store", e, file, e.getMessage());
    }

    static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static float[] floats(byte[] bytes) {
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do
        }
    }
}

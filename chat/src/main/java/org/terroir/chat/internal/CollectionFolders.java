package org.terroir.chat.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.TerroirHome;
import org.terroir.api.chat.DocumentCollection;
import org.terroir.api.documents.DocumentException;
import org.terroir.api.documents.DocumentIndex;
import org.terroir.api.documents.IndexedDocument;

/**
 * Collections on disk: {@code <root>/<name>/} holds the files, {@code <root>/<name>/.terroir-index} what was
 * indexed of each (size, modification time, SHA-256). {@link #sync} runs whenever a collection is used (a question,
 * a listing): a new file is indexed, a file whose size or time changed is hashed and indexed again if its content
 * changed, a file gone is forgotten. No thread watches the folder.
 */
final class CollectionFolders {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String MANIFEST = ".terroir-index";

    private final Path root;

    CollectionFolders(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new TerroirException(ErrorKind.BAD_REQUEST, "chat.collection.name",
                    Messages.get("chat.collection.name", name));
        }
    }

    Path folder(String name) {
        checkName(name);
        return root.resolve(name);
    }

    boolean exists(String name) {
        return Files.isDirectory(folder(name));
    }

    Path create(String name) {
        Path dir = folder(name);
        try {
            TerroirHome.createPrivateDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "chat.collection.io",
                    Messages.get("chat.collection.io", dir, e.getMessage()), e);
        }
    }

    Path require(String name) {
        if (!exists(name)) {
            throw new TerroirException(ErrorKind.NOT_FOUND, "chat.collection.unknown",
                    Messages.get("chat.collection.unknown", name));
        }
        return folder(name);
    }

    List<String> names() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (NAME.matcher(n).matches()) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "chat.collection.io",
                    Messages.get("chat.collection.io", root, e.getMessage()), e);
        }
        out.sort(String::compareTo);
        return out;
    }

    /** Copies a file in (replacing one of the same name); the caller indexes it. */
    Path copyIn(String name, Path file) {
        Path dir = require(name);
        Path target = dir.resolve(file.getFileName().toString());
        try {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            TerroirHome.makePrivate(target);
            return target;
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "chat.collection.io",
                    Messages.get("chat.collection.io", target, e.getMessage()), e);
        }
    }

    boolean delete(String name, String file, DocumentIndex index) {
        Path dir = require(name);
        Path target = dir.resolve(file).normalize();
        if (!target.getParent().equals(dir) || file.startsWith(".")) {
            return false;
        }
        boolean removed;
        try {
            removed = Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "chat.collection.io",
                    Messages.get("chat.collection.io", target, e.getMessage()), e);
        }
        Map<String, String> manifest = read(dir);
        manifest.remove(file);
        write(dir, manifest);
        return index.remove(ConversationDocuments.collectionKey(name), file) || removed;
    }

    /** Notes that {@code file} of the collection was just indexed as it is now. */
    synchronized void record(String name, Path file) {
        Path dir = require(name);
        Map<String, String> manifest = read(dir);
        try {
            manifest.put(file.getFileName().toString(), Files.size(file) + ":"
                    + Files.getLastModifiedTime(file).toMillis() + ":" + sha256(file));
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "chat.collection.io",
                    Messages.get("chat.collection.io", file, e.getMessage()), e);
        }
        write(dir, manifest);
    }

    /** Brings the index up to date with the folder; a file that cannot be read is left out (logged in the result). */
    synchronized List<String> sync(String name, DocumentIndex index) {
        Path dir = require(name);
        String key = ConversationDocuments.collectionKey(name);
        Map<String, String> manifest = read(dir);
        Map<String, String> next = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<String> indexed = index.documents(key).stream().map(IndexedDocument::name).toList();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                if (file.startsWith(".")) {
                    continue;
                }
                String stamp = Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis();
                String known = manifest.get(file);
                if (known != null && indexed.contains(file)) {
                    if (known.startsWith(stamp + ":")) {
                        next.put(file, known);
                        continue;
                    }
                    String hash = sha256(f);
                    if (known.endsWith(":" + hash)) {
                        next.put(file, stamp + ":" + hash); // touched, not changed
                        continue;
                    }
                }
                try {
                    index.add(key, f);
                    next.put(file, stamp + ":" + sha256(f));
                } catch (DocumentException e) {
                    problems.add(file + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "chat.collection.io",
                    Messages.get("chat.collection.io", dir, e.getMessage()), e);
        }
        for (String gone : indexed) {
            if (!next.containsKey(gone)) {
                index.remove(key, gone);
            }
        }
        if (!next.equals(manifest)) {
            write(dir, next);
        }
        return problems;
    }

    DocumentCollection describe(String name, DocumentIndex index) {
        List<IndexedDocument> docs = index.documents(ConversationDocuments.collectionKey(name));
        return new DocumentCollection(name, folder(name), docs.size(),
                docs.stream().mapToInt(IndexedDocument::passages).sum(),
                docs.stream().mapToLong(IndexedDocument::bytes).sum());
    }

    private static Map<String, String> read(Path dir) {
        Map<String, String> out = new TreeMap<>();
        Path f = dir.resolve(MANIFEST);
        if (Files.isRegularFile(f)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                return out; // unreadable: everything is indexed again
            }
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        }
        return out;
    }

    private static void write(Path dir, Map<String, String> manifest) {
        Properties p = new Properties();
        p.putAll(manifest);
        Path f = dir.resolve(MANIFEST);
        try {
            java.io.StringWriter text = new java.io.StringWriter();
            p.store(text, "what Terroir indexed of this folder: size:mtime:sha256");
            TerroirHome.writePrivate(f, text.toString());
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "chat.collection.io",
                    Messages.get("chat.collection.io", f, e.getMessage()), e);
        }
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.terroir.testkit.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A repository on the imitation Hub. Fluent setters; files are held in memory. */
public final class HubRepo {
    final String id;
    long downloads;
    long likes;
    double trendingScore;
    boolean gated;
    boolean privateRepo;
    String pipelineTag = "text-generation";
    long parameters = -1;
    final String commit;
    final Map<String, HubFile> files = new ConcurrentHashMap<>();
    final List<String> order = new ArrayList<>();

    HubRepo(String id) {
        this.id = id;
        this.commit = sha1Hex(id.getBytes(StandardCharsets.UTF_8));
    }

    /** A file of the repository: LFS files (models) are served through a redirect, others directly. */
    record HubFile(String name, byte[] content, String sha256, String gitOid, boolean lfs) {
    }

    public String id() {
        return id;
    }

    public HubRepo downloads(long value) {
        downloads = value;
        return this;
    }

    public HubRepo likes(long value) {
        likes = value;
        return this;
    }

    public HubRepo trendingScore(double value) {
        trendingScore = value;
        return this;
    }

    /** Files need a token (401 GatedRepo without one); the model info stays public, as on the Hub. */
    public HubRepo gated(boolean value) {
        gated = value;
        return this;
    }

    public HubRepo privateRepo(boolean value) {
        privateRepo = value;
        return this;
    }

    public HubRepo pipelineTag(String value) {
        pipelineTag = value;
        return this;
    }

    public HubRepo parameters(long value) {
        parameters = value;
        return this;
    }

    /** Adds a file; {@code .gguf}, {@code .onnx} and {@code .bin} files are LFS files as on the Hub. */
    public HubRepo file(String name, byte[] content) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        boolean lfs = lower.endsWith(".gguf") || lower.endsWith(".onnx") || lower.endsWith(".bin")
                || lower.endsWith(".safetensors");
        files.put(name, new HubFile(name, content.clone(), sha256Hex(content), gitBlobOid(content), lfs));
        synchronized (order) {
            order.remove(name);
            order.add(name);
        }
        return this;
    }

    public HubRepo file(String name, Path content) {
        try {
            return file(name, Files.readAllBytes(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HubRepo text(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-256 the Hub lists for a file. */
    public String sha256(String name) {
        return files.get(name).sha256();
    }

    List<HubFile> orderedFiles() {
        synchronized (order) {
            return order.stream().map(files::get).toList();
        }
    }

    static String sha256Hex(byte[] data) {
        return digest("SHA-256", data);
    }

    static String sha1Hex(byte[] data) {
        return digest("SHA-1", data);
    }

    /** Git's blob id: SHA-1 of "blob <size>\0" + content (what the Hub calls the oid of a non-LFS file). */
    static String gitBlobOid(byte[] data) {
        byte[] header = ("blob " + data.length + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[header.length + data.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(data, 0, all, header.length, data.length);
        return sha1Hex(all);
    }

    private static String digest(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

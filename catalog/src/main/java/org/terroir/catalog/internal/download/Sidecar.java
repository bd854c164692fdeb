package org.terroir.catalog.internal.download;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

/**
 * What a {@code .part} file is a part of, written beside it so that a download resumed by another process only
 * appends to bytes of the same file version.
 */
record Sidecar(String repo, String file, long size, String sha256, String etag, String commit) {
    private static final Gson GSON = new Gson();

    static Optional<Sidecar> read(Path path) {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(GSON.fromJson(Files.readString(path, StandardCharsets.UTF_8), Sidecar.class));
        } catch (IOException | JsonParseException e) {
            return Optional.empty();
        }
    }

    void write(Path path) throws IOException {
        org.terroir.api.TerroirHome.writePrivate(path, GSON.toJson(this));
    }

    /** The same version of the same file: same size and the same checksum, or failing that the same entity tag. */
    boolean sameVersion(Sidecar other) {
        if (size != other.size) {
            return false;
        }
        if (sha256 != null && other.sha256 != null) {
            return sha256.equals(other.sha256);
        }
        return etag != null && Objects.equals(etag, other.etag);
    }
}

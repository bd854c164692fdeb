package org.terroir.backend.remote.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.TerroirHome;

/**
 * The servers, in {@code TERROIR_HOME/data/remote-servers.json}, and their keys, one file each in
 * {@code TERROIR_HOME/secrets/remote-<name>.key}; every file 0600, the folders 0700, each write complete or not at
 * all (a temporary file moved into place). A JSON file rather than ConfigurationAdmin: the keys stay out of
 * {@code conf/} (which people copy and share), and adding a server from the page or the shell is one write.
 */
final class ServerStore {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private final Path file;
    private final Path secrets;
    private final Map<String, RemoteServer> servers = new LinkedHashMap<>();

    ServerStore(Path home) {
        this.file = home.resolve("data").resolve("remote-servers.json");
        this.secrets = home.resolve("secrets");
        load();
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            List<RemoteServer> list = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                    new TypeToken<List<RemoteServer>>() { }.getType());
            for (RemoteServer s : list == null ? List.<RemoteServer>of() : list) {
                if (s != null && s.name() != null && s.url() != null) {
                    servers.put(s.name(), s);
                }
            }
        } catch (IOException | JsonParseException e) {
            System.getLogger(ServerStore.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot read " + file + ": no remote servers until it is fixed or removed", e);
        }
    }

    synchronized List<RemoteServer> list() {
        return List.copyOf(servers.values());
    }

    synchronized Optional<RemoteServer> get(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    /** Adds or replaces a server; its key is stored when given, removed when null. */
    synchronized void put(RemoteServer server, String key) {
        try {
            if (key == null || key.isBlank()) {
                Files.deleteIfExists(keyFile(server.name()));
            } else {
                TerroirHome.writePrivate(keyFile(server.name()), key.strip());
            }
            servers.put(server.name(), server);
            save();
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "remote.store",
                    RemoteBackend.TEXTS.get("remote.store", file.getParent(), e.getMessage()), e);
        }
    }

    synchronized void update(RemoteServer server) {
        servers.put(server.name(), server);
        try {
            save();
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "remote.store",
                    RemoteBackend.TEXTS.get("remote.store", file.getParent(), e.getMessage()), e);
        }
    }

    synchronized boolean remove(String name) {
        if (servers.remove(name) == null) {
            return false;
        }
        try {
            Files.deleteIfExists(keyFile(name));
            save();
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "remote.store",
                    RemoteBackend.TEXTS.get("remote.store", file.getParent(), e.getMessage()), e);
        }
        return true;
    }

    /** The server's key, or null when it has none. */
    String key(String name) {
        Path f = keyFile(name);
        try {
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            throw new TerroirException(ErrorKind.INTERNAL, "remote.store",
                    RemoteBackend.TEXTS.get("remote.store", f, e.getMessage()), e);
        }
    }

    Path keyFile(String name) {
        return secrets.resolve("remote-" + RemoteServer.checkName(name) + ".key");
    }

    private void save() throws IOException {
        TerroirHome.writePrivate(file, GSON.toJson(new ArrayList<>(servers.values())));
    }
}

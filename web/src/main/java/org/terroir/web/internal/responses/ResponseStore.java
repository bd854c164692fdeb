package org.terroir.web.internal.responses;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.terroir.api.inference.ChatMessage;

import com.google.gson.JsonObject;

/**
 * The responses kept for {@code previous_response_id} and {@code GET /v1/responses/{id}}: in memory only, at most
 * {@value #CAPACITY}, the least recently used dropped first; gone when the platform stops. {@code store: false}
 * keeps nothing.
 */
final class ResponseStore {
    static final int CAPACITY = 256;

    /** A response: its JSON as answered, and the whole conversation up to and with its output. */
    record Stored(JsonObject response, List<ChatMessage> conversation) {
    }

    private final Map<String, Stored> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void put(String id, Stored stored) {
        entries.put(id, stored);
    }

    synchronized Optional<Stored> get(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    synchronized boolean remove(String id) {
        return entries.remove(id) != null;
    }
}

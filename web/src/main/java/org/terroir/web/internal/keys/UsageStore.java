package org.terroir.web.internal.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.terroir.api.TerroirHome;
import org.terroir.api.web.KeyUsage;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

/**
 * What each key used, in a JSON file next to the keys ({@code api-usage.json}, 0600, replaced atomically): requests,
 * prompt and completion tokens, energy, last use, and the tokens of the current local day. Tokens are written as
 * soon as a generation ends (they decide a quota after a restart); request counts alone are written at most once a
 * second (and when the bundle stops), so that a flood of small requests does not become a flood of writes.
 */
final class UsageStore {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private static final long COALESCE_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(UsageStore.class.getName());
    private final Path file;
    private final Clock clock;
    private final Map<String, Entry> entries;
    private boolean dirty;
    private long lastWrite;

    /** One key's usage as written to disk. */
    static final class Entry {
        long requests;
        long promptTokens;
        long completionTokens;
        double energyJoules;
        String lastUsed;
        String day;
        long tokensToday;

        KeyUsage toUsage() {
            return new KeyUsage(requests, promptTokens, completionTokens, energyJoules,
                    lastUsed == null ? null : Instant.parse(lastUsed), day == null ? null : LocalDate.parse(day),
                    tokensToday);
        }
    }

    UsageStore(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        this.entries = read(file);
    }

    synchronized KeyUsage usage(String id) {
        Entry e = entries.get(id);
        return e == null ? KeyUsage.NONE : e.toUsage();
    }

    synchronized long tokensToday(String id) {
        Entry e = entries.get(id);
        return e == null ? 0 : e.toUsage().tokensOn(today());
    }

    synchronized void countRequest(String id) {
        Entry e = entries.computeIfAbsent(id, k -> new Entry());
        e.requests++;
        e.lastUsed = clock.instant().toString();
        dirty = true;
        if (clock.millis() - lastWrite >= COALESCE_MILLIS) {
            write();
        }
    }

    synchronized void addGeneration(String id, int promptTokens, int completionTokens, double joules) {
        Entry e = entries.computeIfAbsent(id, k -> new Entry());
        String today = today().toString();
        if (!today.equals(e.day)) {
            e.day = today;
            e.tokensToday = 0;
        }
        long tokens = Math.max(0, promptTokens) + (long) Math.max(0, completionTokens);
        e.promptTokens += Math.max(0, promptTokens);
        e.completionTokens += Math.max(0, completionTokens);
        e.tokensToday += tokens;
        e.energyJoules += joules > 0 && Double.isFinite(joules) ? joules : 0;
        e.lastUsed = clock.instant().toString();
        dirty = true;
        write();
    }

    synchronized void remove(String id) {
        if (entries.remove(id) != null) {
            dirty = true;
            write();
        }
    }

    synchronized void flush() {
        if (dirty) {
            write();
        }
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), clock.getZone());
    }

    private static Map<String, Entry> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return new LinkedHashMap<>();
        }
        try {
            Map<String, Entry> read = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                    new TypeToken<LinkedHashMap<String, Entry>>() {
                    }.getType());
            return read == null ? new LinkedHashMap<>() : read;
        } catch (JsonParseException e) {
            // A damaged usage file must not lock every member out: counting starts again, the keys stay.
            LOG.log(System.Logger.Level.WARNING, "unreadable usage file " + file + ", counting starts again: " + e);
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write() {
        try {
            TerroirHome.writePrivate(file, GSON.toJson(entries));
            dirty = false;
            lastWrite = clock.millis();
        } catch (IOException e) {
            // A full or read-only disk must not refuse the members' requests: the counts stay in memory (and
            // dirty, written at the next chance), the failure is in the log.
            lastWrite = clock.millis();
            LOG.log(System.Logger.Level.WARNING, "cannot write " + file + ": " + e);
        }
    }
}

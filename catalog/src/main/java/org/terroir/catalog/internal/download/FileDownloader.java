package org.terroir.catalog.internal.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.terroir.api.TerroirException;
import org.terroir.api.catalog.Download;
import org.terroir.api.catalog.DownloadListener;
import org.terroir.api.catalog.DownloadProgress;
import org.terroir.api.catalog.DownloadState;
import org.terroir.api.catalog.Downloader;
import org.terroir.api.catalog.LibraryModel;
import org.terroir.api.catalog.ModelFile;
import org.terroir.catalog.internal.Msg;
import org.terroir.catalog.internal.hub.HubClient;
import org.terroir.catalog.internal.hub.Retries;
import org.terroir.catalog.internal.hub.RemoteFile;
import org.terroir.catalog.internal.library.ModelStore;

/**
 * Downloads into {@code <file>.part} beside its final place, resumes with {@code Range} (from a previous process
 * too), retries with exponential back-off, checks free space before the first byte and while writing, verifies
 * the SHA-256, and only then moves the file into the library.
 */
public final class FileDownloader implements Downloader, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FileDownloader.class.getName());
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final long SPACE_CHECK_EVERY = 16L << 20;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final HubClient hub;
    private final ModelStore store;
    private final FreeSpace space;
    private final long marginBytes;
    private final ExecutorService executor;
    private final ScheduledExecutorService watchdog;
    private final Map<String, Task> active = new ConcurrentHashMap<>();
    private volatile long spaceCheckEvery = SPACE_CHECK_EVERY;

    /**
     * @param marginBytes   free space to leave on top of the file's remaining bytes
     * @param maxConcurrent downloads at once; more wait in a queue
     */
    /** The catalog's one retry rule, with the Hub's current settings. */
    private Retries retries() {
        return new Retries(hub.settings());
    }

    public FileDownloader(HubClient hub, ModelStore store, FreeSpace space, long marginBytes, int maxConcurrent) {
        this.hub = hub;
        this.store = store;
        this.space = space;
        this.marginBytes = marginBytes;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(Math.max(1, maxConcurrent), r -> {
            Thread t = new Thread(r, "terroir-download-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "terroir-download-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, hub.settings().readTimeout().toMillis() / 4);
        watchdog.scheduleWithFixedDelay(this::closeStalled, period, period, TimeUnit.MILLISECONDS);
    }

    /** How many bytes are written between two free-space checks (tests make it small). */
    FileDownloader spaceCheckEvery(long bytes) {
        spaceCheckEvery = bytes;
        return this;
    }

    @Override
    public Download download(String repo, String file, DownloadListener listener) {
        HubClient.checkRepo(repo);
        store.fileFor(repo, file); // refuses names that would leave the library
        String key = repo + "/" + file;
        Task task = active.compute(key, (k, existing) -> existing != null && !existing.progress.state().isFinal()
                ? existing
                : new Task(repo, file));
        if (listener != null) {
            task.listeners.add(listener);
            listener.progress(task.progress);
        }
        if (task.started.compareAndSet(false, true)) {
            executor.execute(task::run);
        }
        return task;
    }

    @Override
    public List<Download> active() {
        return new ArrayList<>(active.values());
    }

    @Override
    public boolean discard(String repo, String file) {
        HubClient.checkRepo(repo);
        store.fileFor(repo, file); // refuses names that would leave the library
        Task task = active.get(repo + "/" + file);
        if (task != null) {
            task.cancel();
        }
        if (task != null && task.worker != null) {
            // under way: its thread lets go of the part file when the cancel reaches it (a queued task stops before
            // writing anything when its turn comes, so it is not waited for)
            try {
                task.result.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                // cancelled, as asked
            }
        }
        Path part = store.partFor(repo, file);
        try {
            boolean removed = Files.deleteIfExists(part);
            return Files.deleteIfExists(store.sidecarFor(repo, file)) || removed;
        } catch (IOException e) {
            throw Msg.error(e, "library.io", part, e.getMessage());
        }
    }

    @Override
    public void close() {
        active.values().forEach(Task::cancel);
        executor.shutdownNow();
        watchdog.shutdownNow();
    }

    private void closeStalled() {
        long limit = hub.settings().readTimeout().toNanos();
        long now = System.nanoTime();
        for (Task t : active.values()) {
            InputStream in = t.stream;
            if (in != null && now - t.lastActivity > limit) {
                LOG.log(System.Logger.Level.INFO, "no bytes for " + hub.settings().readTimeout() + ", reconnecting: "
                        + t.repo + "/" + t.file);
                t.stalled = true;
                t.wake(in);
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader sees the failure
        }
    }

    /** One file's download. */
    private final class Task implements Download {
        final String repo;
        final String file;
        final CompletableFuture<LibraryModel> result = new CompletableFuture<>();
        final List<DownloadListener> listeners = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        volatile DownloadProgress progress;
        volatile boolean cancelled;
        volatile boolean stalled;
        volatile InputStream stream;
        volatile Thread worker;
        volatile long lastActivity = System.nanoTime();
        private long lastEmit;
        private long speedBytes;
        private long speedNanos = System.nanoTime();
        private double speed;

        Task(String repo, String file) {
            this.repo = repo;
            this.file = file;
            this.progress = new DownloadProgress(repo, file, 0, -1, 0, null, DownloadState.QUEUED, "");
        }

        @Override
        public String repo() {
            return repo;
        }

        @Override
        public String file() {
            return file;
        }

        @Override
        public DownloadProgress progress() {
            return progress;
        }

        @Override
        public void cancel() {
            cancelled = true;
            wake(stream);
        }

        /**
         * Unblocks a read: closing the HTTP body alone does not wake a reader waiting for bytes that never come,
         * an interrupt does (the reader then sees an IOException).
         */
        void wake(InputStream in) {
            if (in == null) {
                return;
            }
            closeQuietly(in);
            // Under the lock that ends a read: an interrupt never lands after the read is over (e.g. in verify).
            synchronized (this) {
                Thread w = worker;
                if (w != null && stream == in) {
                    w.interrupt();
                }
            }
        }

        @Override
        public CompletionStage<LibraryModel> result() {
            return result.minimalCompletionStage();
        }

        @Override
        public LibraryModel await(Duration timeout) throws InterruptedException {
            try {
                return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TerroirException te) {
                    throw te;
                }
                throw Msg.error(e.getCause(), "download.failed", repo + "/" + file, String.valueOf(e.getCause()));
            } catch (TimeoutException e) {
                throw Msg.error(e, "download.timeout", repo + "/" + file, timeout.toSeconds());
            }
        }

        void run() {
            worker = Thread.currentThread();
            try {
                LibraryModel done = fetch();
                emit(progress.bytes(), progress.total(), DownloadState.COMPLETED, "", true);
                result.complete(done);
            } catch (TerroirException e) {
                DownloadState state = "download.cancelled".equals(e.code()) ? DownloadState.CANCELLED
                        : DownloadState.FAILED;
                emit(progress.bytes(), progress.total(), state, e.getMessage(), true);
                result.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "download failed: " + repo + "/" + file, e);
                TerroirException te = Msg.error(e, "download.failed", repo + "/" + file, String.valueOf(e));
                emit(progress.bytes(), progress.total(), DownloadState.FAILED, te.getMessage(), true);
                result.completeExceptionally(te);
            } finally {
                worker = null;
                Thread.interrupted(); // a late wake-up must not reach the next task on this thread
                active.remove(repo + "/" + file, this);
            }
        }

        private LibraryModel fetch() {
            checkCancelled(0);
            emit(0, -1, DownloadState.CONNECTING, "", true);
            RemoteFile remote = hub.head(repo, file);
            String sha = remote.sha256();
            long size = remote.size();
            if (sha == null || size < 0) {
                // Not an LFS file, or a mirror without the linked headers: the repository listing has the facts.
                ModelFile listed = hub.modelInfo(repo).file(file)
                        .orElseThrow(() -> Msg.error("hub.entry-not-found", file, repo));
                sha = sha != null ? sha : listed.sha256();
                size = size >= 0 ? size : listed.sizeBytes();
            }
            Path target = store.fileFor(repo, file);
            if (size >= 0 && Files.isRegularFile(target) && sizeOf(target) == size) {
                // Already pulled (files enter the library only once verified): nothing to fetch.
                emit(size, size, DownloadState.VERIFYING, Msg.text("download.already", target), true);
                return store.own(repo, file);
            }
            Path part = store.partFor(repo, file);
            Path sidecarPath = store.sidecarFor(repo, file);
            Sidecar wanted = new Sidecar(repo, file, size, sha, remote.etag(), remote.commit());
            long have;
            try {
                org.terroir.api.TerroirHome.createPrivateDirectories(target.getParent());
                have = resumable(part, sidecarPath, wanted);
                wanted.write(sidecarPath);
                checkSpace(target.getParent(), size < 0 ? 0 : size - have, marginBytes, true);
                if (!Files.exists(part)) {
                    // Downloads are this account's only (0600), whatever the umask.
                    Files.createFile(part, org.terroir.api.TerroirHome.privateFile());
                }
            } catch (IOException e) {
                throw Msg.error(e, "library.io", part, e.getMessage());
            }
            if (have > 0) {
                emit(have, size, DownloadState.DOWNLOADING, Msg.text("download.resuming", Msg.size(have)), true);
            }
            have = transfer(part, have, size);
            return verifyAndInstall(part, sidecarPath, have, size, sha);
        }

        /** Bytes of a previous attempt that can be kept: only those of the same file version. */
        private long resumable(Path part, Path sidecarPath, Sidecar wanted) throws IOException {
            if (!Files.exists(part)) {
                return 0;
            }
            boolean same = Sidecar.read(sidecarPath).map(wanted::sameVersion).orElse(false);
            long len = Files.size(part);
            if (!same || (wanted.size() >= 0 && len > wanted.size())) {
                Files.delete(part);
                return 0;
            }
            return len;
        }

        private long transfer(Path part, long have, long size) {
            int failures = 0;
            while (size < 0 || have < size) {
                checkCancelled(have);
                long before = have;
                try {
                    HttpResponse<InputStream> r = hub.open(repo, file, have, -1);
                    have = receive(r, part, have, size);
                    if (size < 0) {
                        size = have; // the server said nothing better: what arrived is the file
                    }
                } catch (IOException | TerroirException e) {
                    Thread.interrupted(); // our own wake-up (stall or cancel): the flags below say which
                    if (cancelled) {
                        checkCancelled(have);
                    }
                    if (e instanceof TerroirException te && !retryable(te)) {
                        throw te;
                    }
                    String why = stalled ? Msg.text("download.stalled", hub.settings().readTimeout().toSeconds())
                            : reason(e);
                    stalled = false;
                    have = partLength(part, have);
                    failures = have > before ? 1 : failures + 1; // progress resets the budget
                    if (!retries().allowed(failures)) {
                        throw Msg.error(e, "download.gave-up", repo + "/" + file, failures, Msg.size(have), why);
                    }
                    Duration wait = retries().delay(failures, java.util.Optional.empty());
                    emit(have, size, DownloadState.RETRYING,
                            Msg.text("download.retrying", why, wait.toMillis() / 1000.0, failures,
                                    hub.settings().maxRetries()), true);
                    sleep(wait, have);
                }
            }
            return have;
        }

        /** Writes one response's body; returns the bytes now in the part file. */
        private long receive(HttpResponse<InputStream> r, Path part, long have, long size) throws IOException {
            int status = r.statusCode();
            try (InputStream in = r.body()) {
                if (status == 416) {
                    // Nothing left past our offset: either complete, or the part is longer than the file.
                    if (size >= 0 && have == size) {
                        return have;
                    }
                    Files.deleteIfExists(part);
                    throw new IOException("416 Range Not Satisfiable at " + have);
                }
                boolean append = false;
                if (status == 206) {
                    Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                    append = m.find() && Long.parseLong(m.group(1)) == have;
                    if (!append) {
                        throw new IOException("unexpected Content-Range: " + r.headers().firstValue("Content-Range"));
                    }
                } else if (status != 200) {
                    throw new IOException("HTTP " + status);
                }
                if (!append && have > 0) {
                    // The server ignored Range and sends the whole file: start again from zero.
                    emit(0, size, DownloadState.DOWNLOADING, Msg.text("download.range-ignored"), true);
                    have = 0;
                }
                stream = in;
                lastActivity = System.nanoTime();
                stalled = false;
                try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[64 * 1024];
                    long sinceCheck = 0;
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (size >= 0 && have + n > size) {
                            throw Msg.error("download.too-long", repo + "/" + file, Msg.size(size));
                        }
                        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                        while (bb.hasRemaining()) {
                            out.write(bb);
                        }
                        have += n;
                        sinceCheck += n;
                        lastActivity = System.nanoTime();
                        if (sinceCheck >= spaceCheckEvery) {
                            sinceCheck = 0;
                            // While writing, only the rest of this file must fit: the margin was for before.
                            checkSpace(part.getParent(), size < 0 ? 0 : size - have, 0, false);
                        }
                        emit(have, size, DownloadState.DOWNLOADING, "", false);
                        if (cancelled) {
                            break;
                        }
                    }
                    out.force(false);
                }
            } finally {
                synchronized (this) {
                    stream = null;
                    Thread.interrupted(); // a wake-up for this read is spent
                }
            }
            checkCancelled(have);
            if (stalled) {
                stalled = false;
                throw new IOException(Msg.text("download.stalled", hub.settings().readTimeout().toSeconds()));
            }
            if (size >= 0 && have < size) {
                throw new IOException(Msg.text("download.cut", Msg.size(have), Msg.size(size)));
            }
            return have;
        }

        private LibraryModel verifyAndInstall(Path part, Path sidecarPath, long have, long size, String sha) {
            emit(have, size, DownloadState.VERIFYING, "", true);
            try {
                long actualSize = Files.size(part);
                if (size >= 0 && actualSize != size) {
                    discard(part, sidecarPath);
                    throw Msg.error("download.size-mismatch", repo + "/" + file, actualSize, size);
                }
                if (sha != null) {
                    String actual = sha256(part);
                    if (!actual.equals(sha)) {
                        discard(part, sidecarPath);
                        throw Msg.error("download.checksum", repo + "/" + file, sha, actual);
                    }
                } else {
                    LOG.log(System.Logger.Level.WARNING, "the Hub gave no SHA-256 for " + repo + "/" + file
                            + ": only its size was checked");
                }
                LibraryModel model = store.install(part, repo, file);
                Files.deleteIfExists(sidecarPath);
                return model;
            } catch (IOException e) {
                throw Msg.error(e, "library.io", part, e.getMessage());
            }
        }

        private void discard(Path part, Path sidecarPath) throws IOException {
            Files.deleteIfExists(part);
            Files.deleteIfExists(sidecarPath);
        }

        private void checkSpace(Path dir, long remaining, long margin, boolean before) {
            long free;
            try {
                free = space.usableBytes(dir);
            } catch (IOException e) {
                return; // an unknown free space must not block a download
            }
            if (free < remaining + margin) {
                throw before
                        ? Msg.error("download.no-space", Msg.size(remaining + margin), Msg.size(free), dir)
                        : Msg.error("download.disk-full", Msg.size(remaining), Msg.size(free), dir);
            }
        }

        private void checkCancelled(long have) {
            if (cancelled) {
                throw Msg.error("download.cancelled", repo + "/" + file, Msg.size(have));
            }
        }

        private boolean retryable(TerroirException e) {
            return e.code().equals("hub.unreachable") || e.code().equals("hub.server-error")
                    || e.code().equals("hub.rate-limited") || e.code().equals("hub.interrupted");
        }

        private void sleep(Duration d, long have) {
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                checkCancelled(have);
                try {
                    Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    // A cancel sets its flag before it interrupts; any other wake-up (a late stall alarm) is ignored.
                }
            }
        }

        private long sizeOf(Path p) {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return -1;
            }
        }

        private long partLength(Path part, long fallback) {
            try {
                return Files.exists(part) ? Files.size(part) : 0;
            } catch (IOException e) {
                return fallback;
            }
        }

        private String reason(Exception e) {
            String m = e.getMessage();
            return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        }

        private void emit(long bytes, long total, DownloadState state, String message, boolean force) {
            long now = System.nanoTime();
            if (!force && now - lastEmit < PROGRESS_EVERY_NANOS) {
                return;
            }
            lastEmit = now;
            long dt = now - speedNanos;
            if (dt >= PROGRESS_EVERY_NANOS && bytes >= speedBytes) {
                double instant = (bytes - speedBytes) * 1e9 / dt;
                speed = speed == 0 ? instant : 0.7 * speed + 0.3 * instant;
                speedBytes = bytes;
                speedNanos = now;
            } else if (bytes < speedBytes) {
                speedBytes = bytes;
                speedNanos = now;
            }
            Duration eta = speed > 0 && total > 0 ? Duration.ofSeconds((long) ((total - bytes) / speed)) : null;
            DownloadProgress p = new DownloadProgress(repo, file, bytes, total, state == DownloadState.DOWNLOADING
                    ? speed : 0, eta, state, message);
            progress = p;
            for (DownloadListener l : listeners) {
                try {
                    l.progress(p);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "download listener failed", e);
                }
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

package org.terroir.backend.llamacpp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.terroir.backend.llamacpp.protocol.Channel;
import org.terroir.backend.llamacpp.protocol.Launch;
import org.terroir.backend.llamacpp.protocol.Message;


/**
 * One running worker process and its connection. The worker calls back on a loopback port this side opened,
 * and must present the secret it was started with, so no other local process can pose as it. Messages are
 * handed to the {@link Listener} on one reader thread; when the connection ends for any reason the listener
 * learns how the process ended, with its last log lines.
 */
final class WorkerProcess {
    private static final System.Logger LOG = System.getLogger(WorkerProcess.class.getName());
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

    interface Listener {
        void received(Message message);

        void ended(WorkerEnd end);
    }

    private final Process process;
    private final Channel channel;
    private final LogTail log;
    private final Path tmpDir;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private volatile Thread reader;

    private WorkerProcess(Process process, Channel channel, LogTail log, Path tmpDir) {
        this.process = process;
        this.channel = channel;
        this.log = log;
        this.tmpDir = tmpDir;
    }

    /**
     * Starts {@code command} and waits until it has connected and proved who it is.
     *
     * @param tmpDir the worker's private temporary folder, deleted when it ends
     */
    static WorkerProcess start(List<String> command, Path tmpDir, LogTail log, Duration timeout, String name)
            throws WorkerStartException {
        String secret = newSecret();
        Process process = null;
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            env.put(Launch.PORT_ENV, String.valueOf(server.getLocalPort()));
            env.put(Launch.SECRET_ENV, secret);
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new WorkerStartException(WorkerStartException.Kind.NOT_STARTED, OptionalInt.empty(),
                        e.getMessage(), e);
            }
            log.drain(process.getInputStream(), "terroir-llamacpp-" + name + "-stdout");
            log.drain(process.getErrorStream(), "terroir-llamacpp-" + name + "-stderr");
            Socket socket = accept(server, process, secret, System.nanoTime() + timeout.toNanos());
            Channel channel = new Channel(socket.getInputStream(), socket.getOutputStream(), socket);
            return new WorkerProcess(process, channel, log, tmpDir);
        } catch (IOException e) {
            kill(process);
            throw new WorkerStartException(WorkerStartException.Kind.NOT_STARTED, OptionalInt.empty(),
                    e.getMessage(), e);
        } catch (WorkerStartException e) {
            kill(process);
            deleteTree(tmpDir);
            throw e;
        }
    }

    private static Socket accept(ServerSocket server, Process process, String secret, long deadline)
            throws IOException, WorkerStartException {
        // Short accept timeouts so that a worker dying at startup is noticed at once, not at the deadline.
        server.setSoTimeout(100);
        while (System.nanoTime() < deadline) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                if (!process.isAlive()) {
                    throw new WorkerStartException(WorkerStartException.Kind.DIED, exitCode(process), "", null);
                }
                continue;
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) HELLO_TIMEOUT.toMillis());
            try {
                Channel channel = new Channel(socket.getInputStream(), socket.getOutputStream(), socket);
                Message first = channel.receive();
                if (first instanceof Message.Hello hello && secret.equals(hello.secret())
                        && hello.version() == Message.VERSION) {
                    socket.setSoTimeout(0);
                    return socket;
                }
                LOG.log(System.Logger.Level.WARNING, "Refused a connection to the worker port that did not "
                        + "present the worker's secret");
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Refused a connection to the worker port: " + e);
            }
            socket.close();
        }
        throw new WorkerStartException(WorkerStartException.Kind.TIMEOUT, OptionalInt.empty(), "", null);
    }

    /** Starts the reader thread; call once, after the owner is ready for messages. */
    void listen(Listener listener, String name) {
        Thread thread = new Thread(() -> read(listener), "terroir-llamacpp-" + name + "-reader");
        thread.setDaemon(true);
        reader = thread;
        thread.start();
    }

    /** Whether the caller is the thread that hands out messages (a listener calling back into its model). */
    boolean isReaderThread() {
        return Thread.currentThread() == reader;
    }

    private void read(Listener listener) {
        try {
            Message message;
            while ((message = channel.receive()) != null) {
                listener.received(message);
            }
        } catch (IOException e) {
            if (!closeRequested.get()) {
                log.add("[terroir: connection to the worker lost: " + e.getMessage() + "]");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Worker message handling failed", e);
        }
        listener.ended(finish());
    }

    /** After the connection ended: make sure the process is gone, collect its last words, clean up. */
    private WorkerEnd finish() {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.awaitEnd(1000);
        log.close();
        try {
            channel.close();
        } catch (IOException e) {
            // already closed by the other side
        }
        deleteTree(tmpDir);
        return new WorkerEnd(closeRequested.get(), exitCode(process), log.text());
    }

    void send(Message message) throws IOException {
        channel.send(message);
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the worker to exit, then insists. Returns once the process is gone. */
    void close(Duration grace) {
        closeRequested.set(true);
        try {
            channel.send(new Message.Shutdown());
        } catch (IOException e) {
            // it may be dead already; the process checks below settle it
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    private static OptionalInt exitCode(Process process) {
        try {
            return OptionalInt.of(process.exitValue());
        } catch (IllegalThreadStateException e) {
            return OptionalInt.empty();
        }
    }

    private static void kill(Process process) {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a leftover in the cache folder is harmless
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}

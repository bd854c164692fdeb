package org.terroir.backend.llamacpp.worker;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.terroir.backend.llamacpp.protocol.Channel;
import org.terroir.backend.llamacpp.protocol.Message;

/**
 * Serves one platform connection. The connection's reader (the calling thread) only dispatches: jobs run one
 * at a time on a single job thread, in arrival order, so a second generation waits for the first. Cancelling
 * only marks the job; the job thread notices it after the next token, because the library's receive call
 * would wait forever if the task were cancelled from another thread.
 */
final class Worker {
    private final Channel channel;
    private final ExecutorService jobs = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "terroir-worker-job");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private volatile LlamaSession session;
    private volatile NativeSession current;

    Worker(Channel channel) {
        this.channel = channel;
    }

    /** Returns when the platform asks to stop or closes the connection. */
    void serve() throws IOException {
        while (true) {
            Message message = channel.receive();
            if (message == null || message instanceof Message.Shutdown) {
                return;
            }
            NativeSession engine = current;
            if (engine != null && !(message instanceof Message.Load)) {
                serveCurrent(engine, message);
            } else if (message instanceof Message.Cancel cancel) {
                cancelled.add(cancel.job());
            } else if (message instanceof Message.Tokenize && session != null) {
                // Tokenizing only reads the vocabulary: answer at once rather than after a running generation.
                run(message);
            } else {
                jobs.execute(() -> run(message));
            }
        }
    }

    /** Today's llama.cpp schedules its own work: requests go to its decode thread, answers come from there. */
    private void serveCurrent(NativeSession engine, Message message) {
        try {
            if (message instanceof Message.Generate generate) {
                engine.submit(generate);
            } else if (message instanceof Message.Cancel cancel) {
                engine.cancel(cancel.job());
            } else if (message instanceof Message.Embed embed) {
                engine.submit(embed);
            } else if (message instanceof Message.Tokenize tokenize) {
                reply(new Message.Tokens(tokenize.job(), engine.tokenize(tokenize.text(), false, false)));
            }
        } catch (Throwable e) {
            replyFailure(message, e);
        }
    }

    private void run(Message message) {
        try {
            if (message instanceof Message.Load load) {
                reply(load(load));
            } else if (session == null) {
                reply(new Message.Failed(jobOf(message), "not.loaded", List.of()));
            } else if (message instanceof Message.Generate generate) {
                if (cancelled.remove(generate.job())) {
                    reply(new Message.Done(generate.job(), 0, 0, 0, 0, Message.Finish.CANCELLED));
                } else {
                    reply(session.generate(generate, this::sendToken, () -> cancelled.remove(generate.job())));
                }
            } else if (message instanceof Message.Tokenize tokenize) {
                reply(new Message.Tokens(tokenize.job(), session.tokenize(tokenize.text())));
            } else if (message instanceof Message.Embed embed) {
                reply(session.embed(embed));
            }
        } catch (Throwable e) {
            replyFailure(message, e);
        }
    }

    /** Whatever the library throws (native code may throw anything), the platform waits for an answer: give one. */
    private void replyFailure(Message message, Throwable e) {
        if (e instanceof WorkerFailure f) {
            reply(new Message.Failed(jobOf(message), f.code(), f.args()));
        } else {
            reply(new Message.Failed(jobOf(message), "library", List.of(String.valueOf(e.getMessage()))));
        }
    }

    private Message load(Message.Load load) {
        long start = System.nanoTime();
        if (Message.ENGINE_CURRENT.equals(load.engine())) {
            NativeSession engine = NativeSession.open(load, new NativeSession.Sink() {
                @Override
                public void token(long job, String text) {
                    sendToken(job, text);
                }

                @Override
                public void reply(Message message) {
                    Worker.this.reply(message);
                }
            }, line -> System.err.println(line));
            current = engine;
            return engine.loaded();
        }
        session = LlamaSession.open(load);
        return new Message.Loaded(load.contextLength(), System.nanoTime() - start);
    }

    private void sendToken(long job, String text) {
        reply(new Message.Token(job, text));
    }

    private void reply(Message message) {
        try {
            channel.send(message);
        } catch (IOException e) {
            // The platform is gone: nobody is left to serve.
            System.err.println("terroir worker: connection lost: " + e);
            Runtime.getRuntime().halt(3);
        }
    }

    private static long jobOf(Message message) {
        if (message instanceof Message.Generate m) {
            return m.job();
        } else if (message instanceof Message.Tokenize m) {
            return m.job();
        } else if (message instanceof Message.Embed m) {
            return m.job();
        }
        return 0;
    }
}

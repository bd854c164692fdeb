package org.terroir.backend.onnx.internal;

import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.terroir.api.ErrorKind;
import org.terroir.api.ModelDescriptor;
import org.terroir.api.TerroirException;
import org.terroir.api.inference.LoadedModel;
import org.terroir.lib.onnxruntime.HfTokenizer;

import ai.onnxruntime.OrtSession;

/**
 * What both kinds of ONNX model share: the session, the tokenizer, and a lock so that closing never frees native
 * memory under a running inference (runs hold the read lock, close takes the write lock).
 */
abstract class OnnxModel implements LoadedModel {
    static final String BACKEND_ID = "onnx";

    final ModelDescriptor descriptor;
    final OrtSession session;
    final HfTokenizer tokenizer;
    final ModelLayout layout;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final java.util.function.Consumer<OnnxModel> onClose;
    private volatile boolean closed;

    OnnxModel(ModelDescriptor descriptor, OrtSession session, HfTokenizer tokenizer, ModelLayout layout,
            java.util.function.Consumer<OnnxModel> onClose) {
        this.descriptor = descriptor;
        this.session = session;
        this.tokenizer = tokenizer;
        this.layout = layout;
        this.onClose = onClose;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public String backendId() {
        return BACKEND_ID;
    }

    @Override
    public int[] tokenize(String text) {
        return withSession(() -> {
            long[] ids = tokenizer.encode(text, false).ids();
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[i] = (int) ids[i];
            }
            return out;
        });
    }

    @Override
    public boolean isAlive() {
        return !closed;
    }

    /** Runs work with the session guaranteed open for its whole duration. */
    <T> T withSession(java.util.function.Supplier<T> work) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new TerroirException(ErrorKind.BACKEND_GONE, "onnx.closed", Messages.get("onnx.closed", descriptor.name()));
            }
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops what runs (decoders cancel their generations) before the native memory is freed. */
    void beforeClose() {
    }

    /** Whether the calling thread is one of this model's own (a listener called back on it). */
    boolean onOwnThread() {
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (onOwnThread()) {
            // Closed from a token listener: this thread holds the session, so free it from another one.
            Thread closer = new Thread(this::free, "terroir-onnx-close");
            closer.setDaemon(true);
            closer.start();
            return;
        }
        free();
    }

    private void free() {
        beforeClose();
        lock.writeLock().lock();
        try {
            try {
                session.close();
            } catch (ai.onnxruntime.OrtException e) {
                System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING, "closing the session", e);
            }
            tokenizer.close();
        } finally {
            lock.writeLock().unlock();
            onClose.accept(this);
        }
    }
}

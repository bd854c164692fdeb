package org.terroir.gguf.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** {@link Input} over a whole file, read through a 64 KiB buffer. */
final class ChannelInput extends Input {
    private static final int BUFFER = 64 * 1024;
    private final FileChannel channel;

    ChannelInput(FileChannel channel, long size) {
        super(size);
        this.channel = channel;
        this.buf = littleEndian(ByteBuffer.allocate(BUFFER));
        buf.limit(0);
    }

    @Override
    protected void fill(int n) {
        long pos = position();
        if (n > size - pos) {
            throw new OutOfInput(pos, n, false);
        }
        buf.compact();
        bufferStart = pos;
        try {
            while (buf.position() < n) {
                int read = channel.read(buf, bufferStart + buf.position());
                if (read < 0) {
                    // The file shrank while we read it.
                    buf.flip();
                    throw new OutOfInput(pos, n, false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buf.flip();
    }

    @Override
    protected byte[] readLarge(int len) {
        byte[] out = new byte[len];
        int have = buf.remaining();
        buf.get(out, 0, have);
        long pos = position();
        ByteBuffer target = ByteBuffer.wrap(out, have, len - have);
        try {
            while (target.hasRemaining()) {
                if (channel.read(target, pos + target.position() - have) < 0) {
                    throw new OutOfInput(pos, len - have, false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bufferStart = pos + (len - have);
        buf.clear().limit(0);
        return out;
    }
}

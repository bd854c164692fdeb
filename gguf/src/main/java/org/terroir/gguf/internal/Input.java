package org.terroir.gguf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian sequential reader over a window of a file. Reads are served from a buffer so that thousands of
 * small values (a 150k-token vocabulary) cost a handful of system calls.
 */
abstract class Input {
    /** Total size of the file, even when only a prefix of it is at hand. */
    final long size;
    /** Holds the bytes from {@link #bufferStart}; its position is the next byte to read. */
    protected ByteBuffer buf;
    /** File offset of index 0 of {@link #buf}. */
    protected long bufferStart;

    Input(long size) {
        this.size = size;
    }

    final long position() {
        return bufferStart + buf.position();
    }

    /** Bytes between the current position and the end of the file. */
    final long remainingInFile() {
        return size - position();
    }

    /** Makes sure {@code n} bytes are buffered. */
    final void ensure(int n) {
        if (buf.remaining() < n) {
            fill(n);
        }
    }

    /** Buffers at least {@code n} (at most the buffer's capacity) bytes, or throws {@link OutOfInput}. */
    protected abstract void fill(int n);

    /** Reads {@code len} bytes that may not fit the buffer. */
    protected abstract byte[] readLarge(int len);

    final int u8() {
        ensure(1);
        return buf.get() & 0xFF;
    }

    final short i16() {
        ensure(2);
        return buf.getShort();
    }

    final int i32() {
        ensure(4);
        return buf.getInt();
    }

    final long i64() {
        ensure(8);
        return buf.getLong();
    }

    final float f32() {
        ensure(4);
        return buf.getFloat();
    }

    final double f64() {
        ensure(8);
        return buf.getDouble();
    }

    /**
     * Makes sure at least one element of {@code size} bytes is buffered, and returns how many (up to {@code max})
     * are: callers copy those in bulk, then {@link #advance(int)}.
     */
    final int buffered(int size, int max) {
        ensure(size);
        return Math.min(max, buf.remaining() / size);
    }

    final void advance(int bytes) {
        buf.position(buf.position() + bytes);
    }

    /** Where the bytes of the last {@link #utf8(int)} string are, for {@link #lastLatin1()}. */
    private byte[] lastArray;
    private int lastStart;
    private int lastLength;

    /**
     * The next {@code len} bytes as UTF-8 (malformed bytes become U+FFFD), decoded straight from the buffer when
     * they fit in it: a vocabulary is 150k short strings.
     */
    final String utf8(int len) {
        if (len <= buf.capacity() && buf.hasArray()) {
            ensure(len);
            lastArray = buf.array();
            lastStart = buf.arrayOffset() + buf.position();
            advance(len);
        } else {
            lastArray = bytes(len);
            lastStart = 0;
        }
        lastLength = len;
        return new String(lastArray, lastStart, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The raw bytes of the last {@link #utf8(int)} string, one char per byte; valid until the next read. */
    final String lastLatin1() {
        return new String(lastArray, lastStart, lastLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    final byte[] bytes(int len) {
        if (len <= buf.remaining()) {
            byte[] out = new byte[len];
            buf.get(out);
            return out;
        }
        if (len > remainingInFile()) {
            throw new OutOfInput(position(), len, false);
        }
        if (len <= buf.capacity()) {
            fill(len);
            byte[] out = new byte[len];
            buf.get(out);
            return out;
        }
        return readLarge(len);
    }

    static ByteBuffer littleEndian(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}

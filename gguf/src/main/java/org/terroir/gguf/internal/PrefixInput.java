package org.terroir.gguf.internal;

import java.nio.ByteBuffer;

/** {@link Input} over the first bytes of a file whose full size is known. */
final class PrefixInput extends Input {

    PrefixInput(ByteBuffer prefix, long size) {
        super(size);
        ByteBuffer slice = prefix.slice();
        if (slice.remaining() > size) {
            slice.limit((int) size);
        }
        this.buf = littleEndian(slice);
    }

    /** How many bytes of the file this input holds. */
    long available() {
        return buf.limit();
    }

    @Override
    protected void fill(int n) {
        long pos = position();
        throw new OutOfInput(pos, n, n <= size - pos);
    }

    @Override
    protected byte[] readLarge(int len) {
        // bytes() only gets here when the prefix lacks bytes the file has.
        throw new OutOfInput(position(), len, true);
    }
}

package org.terroir.backend.llamacpp.protocol;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One end of the connection: sends whole messages (thread-safe, flushed at once so every token travels as soon
 * as it exists) and reads them one at a time from a single reader thread.
 */
public final class Channel implements Closeable {
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Closeable resource;

    public Channel(InputStream in, OutputStream out, Closeable resource) {
        this.in = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
        this.out = new DataOutputStream(new BufferedOutputStream(out, 64 * 1024));
        this.resource = resource;
    }

    public void send(Message message) throws IOException {
        synchronized (out) {
            out.writeByte(message.type());
            message.writeFields(out);
            out.flush();
        }
    }

    /** The next message, or {@code null} when the other side closed the connection between messages. */
    public Message receive() throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        try {
            return Message.readFields((byte) type, in);
        } catch (EOFException e) {
            throw new ProtocolException("connection closed inside a message of type " + type);
        }
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }
}

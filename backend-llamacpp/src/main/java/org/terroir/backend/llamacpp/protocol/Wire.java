package org.terroir.backend.llamacpp.protocol;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Field encodings shared by every message. Lengths are checked against limits so that a corrupted stream fails
 * with an exception instead of an enormous allocation.
 */
public final class Wire {
    /** Longest string or array a message may hold (texts and prompts; 64 MiB is far beyond any context). */
    public static final int MAX_LENGTH = 64 * 1024 * 1024;

    private Wire() {
    }

    public static void writeString(DataOutput out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Reads a string written by {@link #writeString}; may return {@code null}. */
    public static String readString(DataInput in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        byte[] bytes = new byte[checkLength(length)];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static void writeStrings(DataOutput out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    public static List<String> readStrings(DataInput in) throws IOException {
        int count = checkLength(in.readInt());
        List<String> values = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            values.add(readString(in));
        }
        return List.copyOf(values);
    }

    public static void writeInts(DataOutput out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int value : values) {
            out.writeInt(value);
        }
    }

    public static int[] readInts(DataInput in) throws IOException {
        int[] values = new int[checkLength(in.readInt())];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    public static void writeFloats(DataOutput out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float value : values) {
            out.writeFloat(value);
        }
    }

    public static float[] readFloats(DataInput in) throws IOException {
        float[] values = new float[checkLength(in.readInt())];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    public static void writeBytes(DataOutput out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    public static byte[] readBytes(DataInput in) throws IOException {
        byte[] value = new byte[checkLength(in.readInt())];
        in.readFully(value);
        return value;
    }

    private static int checkLength(int length) throws IOException {
        if (length < 0 || length > MAX_LENGTH) {
            throw new ProtocolException("bad length " + length);
        }
        return length;
    }
}

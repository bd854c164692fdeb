package org.terroir.backend.onnx.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.terroir.api.InvalidModelException;

/**
 * Walks the top-level protobuf fields of an ONNX ModelProto so that a truncated, empty or foreign file is
 * refused before ONNX Runtime parses it: every field has a valid wire type and ends inside the file, and the
 * graph (field 7) is there. Nested messages are left to ONNX Runtime, which checks them itself.
 */
final class OnnxFileCheck {
    private static final int GRAPH_FIELD = 7;

    private OnnxFileCheck() {
    }

    static void check(Path model) {
        try (FileChannel ch = FileChannel.open(model, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new InvalidModelException("onnx.model.empty", Messages.get("onnx.model.empty", model));
            }
            boolean graph = false;
            long pos = 0;
            while (pos < size) {
                long start = pos;
                long[] tag = varint(ch, pos, size, model);
                pos = tag[1];
                int wire = (int) (tag[0] & 7);
                long field = tag[0] >>> 3;
                if (field == 0) {
                    throw notOnnx(model, Messages.get("onnx.proto.field", start, wire));
                }
                switch (wire) {
                    case 0 -> pos = varint(ch, pos, size, model)[1];
                    case 1 -> pos = skip(model, start, pos, 8, size);
                    case 5 -> pos = skip(model, start, pos, 4, size);
                    case 2 -> {
                        long[] len = varint(ch, pos, size, model);
                        pos = skip(model, start, len[1], len[0], size);
                        graph |= field == GRAPH_FIELD;
                    }
                    default -> throw notOnnx(model, Messages.get("onnx.proto.field", start, wire));
                }
            }
            if (!graph) {
                throw notOnnx(model, Messages.get("onnx.proto.noGraph"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the file contains {@code text} (an operator name, say) anywhere. Op types are stored as plain
     * strings, so this finds e.g. DynamicQuantizeLinear without parsing the graph.
     */
    static boolean mentions(Path file, String text) {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] buf = new byte[1 << 20];
        int keep = needle.length - 1;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            int filled = 0;
            int n;
            while ((n = in.read(buf, filled, buf.length - filled)) > 0) {
                filled += n;
                outer:
                for (int i = 0; i + needle.length <= filled; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (buf[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
                int tail = Math.min(keep, filled);
                System.arraycopy(buf, filled - tail, buf, 0, tail);
                filled = tail;
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long skip(Path model, long fieldStart, long pos, long length, long size) {
        if (length < 0 || pos + length > size) {
            throw notOnnx(model, Messages.get("onnx.proto.truncated", fieldStart, length, size));
        }
        return pos + length;
    }

    /** Reads a varint at {@code pos}: {value, next position}. */
    private static long[] varint(FileChannel ch, long pos, long size, Path model) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= size) {
                throw notOnnx(model, Messages.get("onnx.proto.truncated", pos, 1, size));
            }
            one.clear();
            ch.read(one, pos++);
            int b = one.get(0) & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return new long[] {value, pos};
            }
        }
        throw notOnnx(model, Messages.get("onnx.proto.field", pos, "varint"));
    }

    private static InvalidModelException notOnnx(Path model, String detail) {
        return new InvalidModelException("onnx.model.notOnnx", Messages.get("onnx.model.notOnnx", model, detail));
    }
}

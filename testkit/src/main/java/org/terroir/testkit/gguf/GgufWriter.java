package org.terroir.testkit.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes GGUF v3 files (little-endian): header, metadata of every value type, tensor table, aligned tensor data.
 * Tensor values come from {@link TensorData} one row at a time and are encoded (F32, F16, Q8_0, Q4_0) as they are
 * written, so files of hundreds of millions of parameters need only a row of memory.
 *
 * <p>Metadata values are Java objects: {@link Number} for the integer and float types (range-checked),
 * {@link Boolean}, {@link String}, {@link GgufArray}. Keys keep their insertion order; putting a key again replaces
 * its value in place.
 */
public final class GgufWriter {
    public static final int VERSION = 3;
    public static final int DEFAULT_ALIGNMENT = 32;
    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};

    private final Map<String, Entry> metadata = new LinkedHashMap<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private int alignment = DEFAULT_ALIGNMENT;

    private record Entry(GgufValueType type, Object value) {
    }

    private record Tensor(String name, TensorType type, long[] dims, TensorData data) {
        long elements() {
            return Arrays.stream(dims).reduce(1, Math::multiplyExact);
        }

        long bytes() {
            return type.bytesFor(elements());
        }
    }

    /** Sets the data alignment and records it as {@code general.alignment} (u32), as llama.cpp reads it. */
    public GgufWriter alignment(int bytes) {
        if (bytes <= 0 || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + bytes);
        }
        alignment = bytes;
        return put("general.alignment", GgufValueType.UINT32, bytes);
    }

    public int alignment() {
        return alignment;
    }

    /** Adds or replaces a metadata entry; the value must fit {@code type} (see class comment). */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        Objects.requireNonNull(key, "key");
        check(type, value, key);
        metadata.put(key, new Entry(type, value));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValueType.INT32, value);
    }

    public GgufWriter putUInt64(String key, long value) {
        return put(key, GgufValueType.UINT64, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putFloat64(String key, double value) {
        return put(key, GgufValueType.FLOAT64, value);
    }

    public GgufWriter putArray(String key, GgufValueType elementType, List<?> values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(elementType, values));
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** The value stored under {@code key}, as it was put. */
    public Optional<Object> value(String key) {
        return Optional.ofNullable(metadata.get(key)).map(Entry::value);
    }

    public Optional<GgufValueType> type(String key) {
        return Optional.ofNullable(metadata.get(key)).map(Entry::type);
    }

    public List<String> keys() {
        return List.copyOf(metadata.keySet());
    }

    /**
     * Adds a tensor. {@code dims} are in GGUF order: dims[0] (ne[0]) is the innermost, contiguous dimension and, for a
     * quantised type, must be a multiple of the block size.
     */
    public GgufWriter addTensor(String name, TensorType type, long[] dims, TensorData data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (dims.length < 1 || dims.length > 4) {
            throw new IllegalArgumentException(name + ": 1 to 4 dimensions, not " + dims.length);
        }
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException(name + ": dimensions must be positive: " + Arrays.toString(dims));
            }
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": ne[0]=" + dims[0] + " is not a multiple of the " + type
                    + " block size " + type.blockSize());
        }
        if (dims[0] > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(name + ": rows of " + dims[0] + " values are too long");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate tensor " + name);
        }
        tensors.put(name, new Tensor(name, type, dims.clone(), data));
        return this;
    }

    public List<String> tensorNames() {
        return List.copyOf(tensors.keySet());
    }

    /** Bytes of tensor data (without padding). */
    public long tensorBytes() {
        return tensors.values().stream().mapToLong(Tensor::bytes).sum();
    }

    public long parameterCount() {
        return tensors.values().stream().mapToLong(Tensor::elements).sum();
    }

    /** Writes the file (replacing it) and tells where everything went. */
    public GgufLayout write(Path file) throws IOException {
        int maxRow = tensors.values().stream()
                .mapToInt(t -> (int) t.type.bytesFor(t.dims[0])).max().orElse(0);
        Map<String, Long> keyPositions = new LinkedHashMap<>();
        List<GgufLayout.TensorPlacement> placements = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             Sink out = new Sink(channel, Math.max(1 << 20, maxRow))) {
            out.bytes(MAGIC);
            out.u32(VERSION);
            out.u64(tensors.size());
            out.u64(metadata.size());
            for (Map.Entry<String, Entry> e : metadata.entrySet()) {
                keyPositions.put(e.getKey(), out.position());
                out.string(e.getKey());
                out.u32(e.getValue().type.id());
                value(out, e.getValue().type, e.getValue().value);
            }
            long relative = 0;
            List<long[]> infoPositions = new ArrayList<>();
            List<Long> offsets = new ArrayList<>();
            for (Tensor t : tensors.values()) {
                long info = out.position();
                out.string(t.name);
                out.u32(t.dims.length);
                for (long d : t.dims) {
                    out.u64(d);
                }
                out.u32(t.type.id());
                long offsetField = out.position();
                out.u64(relative);
                infoPositions.add(new long[]{info, offsetField});
                offsets.add(relative);
                relative = align(relative + t.bytes());
            }
            out.pad(align(out.position()) - out.position());
            long dataOffset = out.position();
            int i = 0;
            for (Tensor t : tensors.values()) {
                out.pad(dataOffset + offsets.get(i) - out.position());
                placements.add(new GgufLayout.TensorPlacement(t.name, t.type, boxed(t.dims), infoPositions.get(i)[0],
                        infoPositions.get(i)[1], out.position(), t.bytes()));
                data(out, t);
                i++;
            }
            out.flush();
            return new GgufLayout(file, out.position(), dataOffset, alignment, keyPositions, placements);
        }
    }

    private long align(long position) {
        return (position + alignment - 1) / alignment * alignment;
    }

    private static List<Long> boxed(long[] dims) {
        List<Long> list = new ArrayList<>();
        for (long d : dims) {
            list.add(d);
        }
        return Collections.unmodifiableList(list);
    }

    private static void data(Sink out, Tensor t) throws IOException {
        int ne0 = (int) t.dims[0];
        long rows = t.elements() / ne0;
        float[] row = new float[ne0];
        int rowBytes = (int) t.type.bytesFor(ne0);
        for (long r = 0; r < rows; r++) {
            t.data.fillRow(r, row);
            ByteBuffer buf = out.reserve(rowBytes);
            switch (t.type) {
                case F32:
                    for (float v : row) {
                        buf.putFloat(v);
                    }
                    break;
                case F16:
                    for (float v : row) {
                        buf.putShort(Quantizer.toHalf(v));
                    }
                    break;
                case Q8_0:
                    for (int b = 0; b < ne0; b += Quantizer.QK) {
                        Quantizer.q8_0(row, b, buf);
                    }
                    break;
                case Q4_0:
                    for (int b = 0; b < ne0; b += Quantizer.QK) {
                        Quantizer.q4_0(row, b, buf);
                    }
                    break;
                default:
                    throw new AssertionError(t.type);
            }
        }
    }

    private static void value(Sink out, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8: case INT8: case BOOL:
                out.reserve(1).put(type == GgufValueType.BOOL ? (byte) ((Boolean) v ? 1 : 0) : ((Number) v).byteValue());
                break;
            case UINT16: case INT16:
                out.reserve(2).putShort(((Number) v).shortValue());
                break;
            case UINT32: case INT32:
                out.u32(((Number) v).intValue());
                break;
            case UINT64: case INT64:
                out.u64(((Number) v).longValue());
                break;
            case FLOAT32:
                out.reserve(4).putFloat(((Number) v).floatValue());
                break;
            case FLOAT64:
                out.reserve(8).putDouble(((Number) v).doubleValue());
                break;
            case STRING:
                out.string((String) v);
                break;
            case ARRAY:
                GgufArray array = (GgufArray) v;
                out.u32(array.elementType().id());
                out.u64(array.values().size());
                for (Object element : array.values()) {
                    value(out, array.elementType(), element);
                }
                break;
            default:
                throw new AssertionError(type);
        }
    }

    private static void check(GgufValueType type, Object v, String where) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(v, () -> where + ": null value");
        boolean ok;
        switch (type) {
            case UINT8: ok = isInteger(v) && inRange(v, 0, 0xFF); break;
            case INT8: ok = isInteger(v) && inRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE); break;
            case UINT16: ok = isInteger(v) && inRange(v, 0, 0xFFFF); break;
            case INT16: ok = isInteger(v) && inRange(v, Short.MIN_VALUE, Short.MAX_VALUE); break;
            case UINT32: ok = isInteger(v) && inRange(v, 0, 0xFFFF_FFFFL); break;
            case INT32: ok = isInteger(v) && inRange(v, Integer.MIN_VALUE, Integer.MAX_VALUE); break;
            // u64 values above Long.MAX_VALUE are given as their two's complement long
            case UINT64: case INT64: ok = isInteger(v); break;
            case FLOAT32: case FLOAT64: ok = v instanceof Number; break;
            case BOOL: ok = v instanceof Boolean; break;
            case STRING: ok = v instanceof String; break;
            case ARRAY:
                ok = v instanceof GgufArray;
                if (ok) {
                    GgufArray a = (GgufArray) v;
                    for (Object element : a.values()) {
                        check(a.elementType(), element, where + "[]");
                    }
                }
                break;
            default: throw new AssertionError(type);
        }
        if (!ok) {
            throw new IllegalArgumentException(where + ": " + v + " (" + v.getClass().getSimpleName()
                    + ") is not a valid " + type);
        }
    }

    private static boolean isInteger(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    private static boolean inRange(Object v, long min, long max) {
        long l = ((Number) v).longValue();
        return l >= min && l <= max;
    }

    /** A buffered little-endian channel writer that knows its position. */
    private static final class Sink implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer;
        private long flushed;

        Sink(FileChannel channel, int capacity) {
            this.channel = channel;
            this.buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }

        long position() {
            return flushed + buffer.position();
        }

        /** The buffer, with room for at least {@code n} more bytes. */
        ByteBuffer reserve(int n) throws IOException {
            if (buffer.remaining() < n) {
                flush();
            }
            return buffer;
        }

        void u32(int v) throws IOException {
            reserve(4).putInt(v);
        }

        void u64(long v) throws IOException {
            reserve(8).putLong(v);
        }

        void bytes(byte[] b) throws IOException {
            int off = 0;
            while (off < b.length) {
                int n = Math.min(b.length - off, reserve(1).remaining());
                buffer.put(b, off, n);
                off += n;
            }
        }

        void string(String s) throws IOException {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            bytes(utf8);
        }

        void pad(long n) throws IOException {
            for (long i = 0; i < n; i++) {
                reserve(1).put((byte) 0);
            }
        }

        void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                flushed += channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

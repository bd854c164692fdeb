package org.terroir.gguf.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.terroir.api.InvalidModelException;
import org.terroir.gguf.GgmlType;
import org.terroir.gguf.GgufArray;
import org.terroir.gguf.GgufFile;
import org.terroir.gguf.GgufValueType;
import org.terroir.gguf.TensorInfo;
import org.terroir.gguf.internal.Messages.Phrase;
import org.terroir.gguf.internal.Messages.Size;

/**
 * Reads a GGUF header, metadata and tensor table from an {@link Input} and checks everything llama.cpp would
 * trip over (or crash on) before it gets the file. One instance reads one file.
 */
final class Parser {
    static final int DEFAULT_ALIGNMENT = 32;
    /** ggml's GGML_MAX_NAME counts the terminating NUL. */
    static final int MAX_TENSOR_NAME_BYTES = 63;
    static final int MAX_DIMS = 4;
    /** Header: magic, version, tensor count, key count. */
    private static final int HEADER_BYTES = 24;
    /** Smallest tensor info: name length + 1 byte of name, n_dims, one dim, type, offset. */
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 8 + 4 + 8;
    /** Smallest key/value: key length + 1 byte of key, value type, a one-byte value. */
    private static final int MIN_KV_BYTES = 8 + 1 + 4 + 1;
    /** Java arrays cannot be larger, and no real GGUF array comes close. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Far beyond any real alignment (32 or 64), and still an int. */
    static final long MAX_ALIGNMENT = 1L << 30;

    private final Input in;
    private final String source;
    private final String shownSource;
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, GgufValueType> types = new HashMap<>();
    /** What is being read, for truncation messages; kept as a phrase so it is only formatted on failure. */
    private Phrase where = new Phrase("where.header");

    Parser(Input in, String source, String shownSource) {
        this.in = in;
        this.source = source;
        this.shownSource = shownSource;
    }

    GgufFile parse() {
        try {
            return parseUnchecked();
        } catch (OutOfInput e) {
            if (e.prefixOnly && in instanceof PrefixInput prefix) {
                long minimum = e.position + e.needed;
                // Ask for at least twice what we had, so a caller that loops converges in a few tries.
                long suggested = Math.min(in.size, Math.max(minimum, 2 * prefix.available()));
                throw Messages.needMore(shownSource, suggested, "prefix.short", new Size(minimum), where,
                        e.position, new Size(prefix.available()));
            }
            throw fail("gguf.truncated", "truncated.read", where, e.position, e.needed, in.size,
                    new Size(in.size));
        }
    }

    private GgufFile parseUnchecked() {
        byte[] magic = in.bytes(4);
        if (!Arrays.equals(magic, new byte[] {'G', 'G', 'U', 'F'})) {
            throw fail("gguf.magic", "magic", describe(magic));
        }
        int version = in.i32();
        checkVersion(version);

        where = new Phrase("where.counts");
        long tensorCount = in.i64();
        long kvCount = in.i64();
        checkCounts(tensorCount, kvCount);

        for (long i = 0; i < kvCount; i++) {
            readKeyValue(i);
        }
        int alignment = alignment();

        // Capacities grow with what is actually read, never with what a count claims.
        List<TensorLayout.Entry> relative = new ArrayList<>((int) Math.min(tensorCount, 1024));
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < tensorCount; i++) {
            relative.add(readTensorInfo(i, alignment, names));
        }
        long end = in.position();
        long dataOffset = pad(end, alignment);

        List<TensorInfo> tensors = new TensorLayout(this, in.size, dataOffset, alignment).place(relative);
        new VocabularyCheck(this, metadata, types).check();
        return new GgufFile(source, version, in.size, dataOffset, alignment, metadata, tensors);
    }

    private void checkVersion(int version) {
        if (version == 2 || version == 3) {
            return;
        }
        if (version == 1) {
            throw fail("gguf.version", "version.v1");
        }
        int swapped = Integer.reverseBytes(version);
        if (swapped == 2 || swapped == 3) {
            throw fail("gguf.version", "version.bigEndian", swapped);
        }
        throw fail("gguf.version", "version.unknown", Integer.toUnsignedLong(version));
    }

    private void checkCounts(long tensorCount, long kvCount) {
        long room = Math.max(0, in.size - HEADER_BYTES);
        if (tensorCount < 0 || tensorCount > room / MIN_TENSOR_INFO_BYTES || tensorCount > MAX_ARRAY) {
            throw fail("gguf.count", "count.tensors", Long.toUnsignedString(tensorCount), 8, new Size(in.size));
        }
        if (kvCount < 0 || kvCount > room / MIN_KV_BYTES) {
            throw fail("gguf.count", "count.keys", Long.toUnsignedString(kvCount), 16, new Size(in.size));
        }
        if (tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES > room) {
            throw fail("gguf.count", "count.both", tensorCount, kvCount, new Size(in.size));
        }
    }

    // ---- metadata ----

    private void readKeyValue(long index) {
        where = new Phrase("where.key", index);
        long keyOffset = in.position();
        byte[] raw = readStringBytes();
        if (raw.length == 0) {
            throw fail("gguf.key", "key.empty", index, keyOffset);
        }
        String key = strictUtf8(raw);
        if (key == null) {
            throw fail("gguf.key", "key.utf8", index, keyOffset, new String(raw, StandardCharsets.UTF_8));
        }
        if (metadata.containsKey(key)) {
            throw fail("gguf.key", "key.duplicate", key, keyOffset);
        }
        where = new Phrase("where.value", key);
        long typeOffset = in.position();
        int typeId = in.i32();
        GgufValueType type = GgufValueType.byId(typeId)
                .orElseThrow(() -> fail("gguf.type", "type.value", Integer.toUnsignedLong(typeId), key, typeOffset));
        Object value = type == GgufValueType.ARRAY ? readArray(key, keyOffset) : readScalar(type);
        metadata.put(key, value);
        types.put(key, type);
    }

    private Object readScalar(GgufValueType type) {
        return switch (type) {
            case UINT8 -> (long) in.u8();
            case INT8 -> (long) (byte) in.u8();
            case UINT16 -> (long) (in.i16() & 0xFFFF);
            case INT16 -> (long) in.i16();
            case UINT32 -> in.i32() & 0xFFFF_FFFFL;
            case INT32 -> (long) in.i32();
            case UINT64, INT64 -> in.i64();
            case FLOAT32 -> (double) in.f32();
            case FLOAT64 -> in.f64();
            case BOOL -> in.u8() != 0;
            case STRING -> in.utf8(readStringLength());
            case ARRAY -> throw new IllegalStateException("arrays are read by readArray");
        };
    }

    private GgufArray readArray(String key, long keyOffset) {
        long typeOffset = in.position();
        int typeId = in.i32();
        GgufValueType type = GgufValueType.byId(typeId)
                .orElseThrow(() -> fail("gguf.type", "type.element", Integer.toUnsignedLong(typeId), key, typeOffset));
        if (type == GgufValueType.ARRAY) {
            throw fail("gguf.type", "type.nested", key, typeOffset);
        }
        long countOffset = in.position();
        long count = in.i64();
        long room = in.remainingInFile();
        if (count < 0 || count > room / type.minBytes() || count > MAX_ARRAY) {
            throw fail("gguf.count", "count.array", key, Long.toUnsignedString(count), countOffset, new Size(room));
        }
        int n = (int) count;
        return new GgufArray(type, switch (type) {
            case STRING -> readStrings(key, n, keyOffset);
            case UINT8, INT8, BOOL -> new NumberArrayList(type, in.bytes(n), n);
            // Numbers are copied in bulk from the buffer, as many as it holds at a time.
            case UINT16, INT16 -> {
                short[] a = new short[firstCapacity(n)];
                for (int i = 0, k; i < n; i += k) {
                    k = in.buffered(2, n - i);
                    a = i + k <= a.length ? a : Arrays.copyOf(a, Math.max(i + k, grown(a.length, n)));
                    in.buf.asShortBuffer().get(a, i, k);
                    in.advance(2 * k);
                }
                yield new NumberArrayList(type, a, n);
            }
            case UINT32, INT32 -> {
                int[] a = new int[firstCapacity(n)];
                for (int i = 0, k; i < n; i += k) {
                    k = in.buffered(4, n - i);
                    a = i + k <= a.length ? a : Arrays.copyOf(a, Math.max(i + k, grown(a.length, n)));
                    in.buf.asIntBuffer().get(a, i, k);
                    in.advance(4 * k);
                }
                yield new NumberArrayList(type, a, n);
            }
            case FLOAT32 -> {
                float[] a = new float[firstCapacity(n)];
                for (int i = 0, k; i < n; i += k) {
                    k = in.buffered(4, n - i);
                    a = i + k <= a.length ? a : Arrays.copyOf(a, Math.max(i + k, grown(a.length, n)));
                    in.buf.asFloatBuffer().get(a, i, k);
                    in.advance(4 * k);
                }
                yield new NumberArrayList(type, a, n);
            }
            case UINT64, INT64 -> {
                long[] a = new long[firstCapacity(n)];
                for (int i = 0, k; i < n; i += k) {
                    k = in.buffered(8, n - i);
                    a = i + k <= a.length ? a : Arrays.copyOf(a, Math.max(i + k, grown(a.length, n)));
                    in.buf.asLongBuffer().get(a, i, k);
                    in.advance(8 * k);
                }
                yield new NumberArrayList(type, a, n);
            }
            case FLOAT64 -> {
                double[] a = new double[firstCapacity(n)];
                for (int i = 0, k; i < n; i += k) {
                    k = in.buffered(8, n - i);
                    a = i + k <= a.length ? a : Arrays.copyOf(a, Math.max(i + k, grown(a.length, n)));
                    in.buf.asDoubleBuffer().get(a, i, k);
                    in.advance(8 * k);
                }
                yield new NumberArrayList(type, a, n);
            }
            case ARRAY -> throw new IllegalStateException("nested arrays are refused above");
        });
    }

    /**
     * Arrays start small and double as elements actually arrive: a count is only bounded by the file size, and
     * with a prefix of a remote file that size is a claim, not bytes at hand.
     */
    private static int firstCapacity(int n) {
        return Math.min(n, 1 << 16);
    }

    private static int grown(int capacity, int n) {
        return (int) Math.min(n, 2L * capacity);
    }

    private List<Object> readStrings(String key, int n, long keyOffset) {
        boolean vocabulary = VocabularyCheck.TOKENS.equals(key);
        // Duplicate tokens are found here, while the raw bytes are at hand: two different byte strings that
        // are not valid UTF-8 may decode to the same Java string, and must not be called duplicates.
        Map<String, Integer> seen = vocabulary ? new HashMap<>() : null;
        Object[] strings = new Object[firstCapacity(n)];
        for (int i = 0; i < n; i++) {
            strings = i < strings.length ? strings : Arrays.copyOf(strings, grown(strings.length, n));
            long offset = in.position();
            String s = in.utf8(readStringLength());
            strings[i] = s;
            // llama.cpp renames empty tokens to [EMPTY_<index>], so they never collide.
            if (vocabulary && !s.isEmpty()) {
                // A lone surrogate never comes out of UTF-8 decoding, so raw keys cannot meet decoded ones.
                String identity = s.indexOf('\uFFFD') < 0 ? s : '\uD800' + in.lastLatin1();
                Integer first = seen.putIfAbsent(identity, i);
                if (first != null) {
                    throw fail("gguf.vocab.duplicate", "vocab.duplicate", s, first, i, offset, keyOffset);
                }
            }
        }
        return Arrays.asList(strings).subList(0, n);
    }

    /** A string's bytes, with its length checked against what is left of the file before allocating. */
    private byte[] readStringBytes() {
        return in.bytes(readStringLength());
    }

    /** A string's length, checked against what is left of the file. */
    private int readStringLength() {
        long lengthOffset = in.position();
        long length = in.i64();
        long room = in.remainingInFile();
        if (length < 0 || length > room || length > MAX_ARRAY) {
            throw fail("gguf.string", "string.length", Long.toUnsignedString(length), where, lengthOffset,
                    new Size(room));
        }
        return (int) length;
    }

    private static String strictUtf8(byte[] raw) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private int alignment() {
        Object value = metadata.get("general.alignment");
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        // llama.cpp reads it with gguf_get_val_u32, which aborts the process on any other type.
        if (types.get("general.alignment") != GgufValueType.UINT32) {
            throw fail("gguf.alignment", "alignment.type", types.get("general.alignment"));
        }
        long a = (Long) value;
        if (a == 0 || (a & (a - 1)) != 0 || a > MAX_ALIGNMENT) {
            throw fail("gguf.alignment", "alignment.power", a, MAX_ALIGNMENT);
        }
        return (int) a;
    }

    // ---- tensor table ----

    private TensorLayout.Entry readTensorInfo(int index, int alignment, Map<String, Integer> names) {
        where = new Phrase("where.tensor", index);
        long nameOffset = in.position();
        byte[] raw = readStringBytes();
        String name = new String(raw, StandardCharsets.UTF_8);
        if (raw.length == 0) {
            throw fail("gguf.tensor", "tensor.name.empty", index, nameOffset);
        }
        if (raw.length > MAX_TENSOR_NAME_BYTES) {
            throw fail("gguf.tensor", "tensor.name.long", name, raw.length, MAX_TENSOR_NAME_BYTES, nameOffset);
        }
        Integer previous = names.putIfAbsent(name, index);
        if (previous != null) {
            throw fail("gguf.tensor", "tensor.name.duplicate", name, previous, index, nameOffset);
        }
        where = new Phrase("where.tensorNamed", name);
        long dimsOffset = in.position();
        int nDims = in.i32();
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw fail("gguf.tensor", "tensor.rank", name, Integer.toUnsignedLong(nDims), dimsOffset);
        }
        long[] dims = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long dimOffset = in.position();
            dims[d] = in.i64();
            if (dims[d] <= 0) {
                throw fail("gguf.tensor", "tensor.dim", name, d, Long.toUnsignedString(dims[d]), dimOffset);
            }
            if (elements > Long.MAX_VALUE / dims[d]) {
                throw fail("gguf.tensor", "tensor.overflow", name, dimOffset);
            }
            elements *= dims[d];
        }
        long typeOffset = in.position();
        int typeId = in.i32();
        GgmlType type = GgmlType.byId(typeId)
                .orElseThrow(() -> fail("gguf.type", "type.tensor", Integer.toUnsignedLong(typeId), name, typeOffset));
        if (dims[0] % type.blockSize() != 0) {
            throw fail("gguf.tensor", "tensor.block", name, dims[0], type.name(), type.blockSize());
        }
        long offsetOffset = in.position();
        long offset = in.i64();
        if (offset < 0) {
            throw fail("gguf.tensor", "tensor.offset", name, Long.toUnsignedString(offset), offsetOffset);
        }
        if (offset % alignment != 0) {
            throw fail("gguf.alignment", "alignment.tensor", name, offset, alignment, offsetOffset);
        }
        long size;
        try {
            size = type.bytesFor(elements);
        } catch (ArithmeticException e) {
            throw fail("gguf.tensor", "tensor.overflow", name, dimsOffset);
        }
        return new TensorLayout.Entry(new TensorInfo(name, dims, type, offset, size), offsetOffset);
    }

    /** The first bytes, as hex and as text, for a "not a GGUF file" message. */
    private static String describe(byte[] magic) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (byte b : magic) {
            hex.append(String.format("%02X ", b & 0xFF));
            text.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return hex.toString().trim() + " \"" + text + "\"";
    }

    static long pad(long x, int alignment) {
        return (x + alignment - 1) & -(long) alignment;
    }

    InvalidModelException fail(String code, String key, Object... args) {
        return Messages.invalid(shownSource, code, key, args);
    }
}

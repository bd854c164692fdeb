package org.terroir.testkit.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A deliberately naive GGUF parser, only for checking what the writer wrote (testkit must not use the gguf module). */
record ParsedGguf(int version, Map<String, Object> metadata, Map<String, GgufValueType> types, List<Tensor> tensors,
                  long dataOffset, ByteBuffer file) {

    record Tensor(String name, long[] dims, int type, long offset) {
    }

    static ParsedGguf parse(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!"GGUF".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IllegalStateException("magic");
        }
        int version = b.getInt();
        long tensorCount = b.getLong();
        long kvCount = b.getLong();
        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string(b);
            GgufValueType type = type(b.getInt());
            types.put(key, type);
            metadata.put(key, value(b, type));
        }
        List<Tensor> tensors = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = string(b);
            long[] dims = new long[b.getInt()];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = b.getLong();
            }
            tensors.add(new Tensor(name, dims, b.getInt(), b.getLong()));
        }
        long alignment = ((Number) metadata.getOrDefault("general.alignment", 32L)).longValue();
        long dataOffset = (b.position() + alignment - 1) / alignment * alignment;
        return new ParsedGguf(version, metadata, types, tensors, dataOffset, b);
    }

    ByteBuffer data(String tensor, int bytes) {
        Tensor t = tensors.stream().filter(x -> x.name().equals(tensor)).findFirst().orElseThrow();
        return file.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) (dataOffset + t.offset()))
                .slice().order(ByteOrder.LITTLE_ENDIAN).limit(bytes);
    }

    private static GgufValueType type(int id) {
        for (GgufValueType t : GgufValueType.values()) {
            if (t.id() == id) {
                return t;
            }
        }
        throw new IllegalStateException("type " + id);
    }

    private static String string(ByteBuffer b) {
        byte[] bytes = new byte[Math.toIntExact(b.getLong())];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Integers come back as Long (u64 as its two's complement), floats as Double, arrays as GgufArray. */
    private static Object value(ByteBuffer b, GgufValueType type) {
        switch (type) {
            case UINT8: return (long) (b.get() & 0xFF);
            case INT8: return (long) b.get();
            case UINT16: return (long) (b.getShort() & 0xFFFF);
            case INT16: return (long) b.getShort();
            case UINT32: return b.getInt() & 0xFFFF_FFFFL;
            case INT32: return (long) b.getInt();
            case UINT64: case INT64: return b.getLong();
            case FLOAT32: return (double) b.getFloat();
            case FLOAT64: return b.getDouble();
            case BOOL: return b.get() != 0;
            case STRING: return string(b);
            case ARRAY: {
                GgufValueType element = type(b.getInt());
                long n = b.getLong();
                List<Object> values = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    values.add(value(b, element));
                }
                return new GgufArray(element, values);
            }
            default: throw new AssertionError(type);
        }
    }
}

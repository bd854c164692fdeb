package org.terroir.gguf.internal;

import java.util.AbstractList;
import java.util.RandomAccess;

import org.terroir.gguf.GgufValueType;

/**
 * An immutable list over a primitive array, so that a 150k-entry score table costs 600 KB rather than 150k
 * boxed objects. Elements come out as the reader's value types: {@link Long}, {@link Double} or {@link Boolean}.
 */
final class NumberArrayList extends AbstractList<Object> implements RandomAccess {
    private final GgufValueType type;
    private final Object array;
    private final int size;

    NumberArrayList(GgufValueType type, Object array, int size) {
        this.type = type;
        this.array = array;
        this.size = size;
    }

    @Override
    public Object get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return switch (type) {
            case UINT8 -> (long) (((byte[]) array)[i] & 0xFF);
            case INT8 -> (long) ((byte[]) array)[i];
            case BOOL -> ((byte[]) array)[i] != 0;
            case UINT16 -> (long) (((short[]) array)[i] & 0xFFFF);
            case INT16 -> (long) ((short[]) array)[i];
            case UINT32 -> ((int[]) array)[i] & 0xFFFF_FFFFL;
            case INT32 -> (long) ((int[]) array)[i];
            case FLOAT32 -> (double) ((float[]) array)[i];
            case UINT64, INT64 -> ((long[]) array)[i];
            case FLOAT64 -> ((double[]) array)[i];
            default -> throw new IllegalStateException(type.name());
        };
    }

    @Override
    public int size() {
        return size;
    }
}

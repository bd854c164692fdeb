package org.terroir.backend.llamacpp.worker;

import java.util.Arrays;

/** A growable list of token ids (a sequence's history grows by one token per step). */
final class Tokens {
    private int[] ids = new int[64];
    private int size;

    int size() {
        return size;
    }

    int get(int i) {
        return ids[i];
    }

    void add(int id) {
        grow(size + 1);
        ids[size++] = id;
    }

    void append(int[] from, int offset, int count) {
        grow(size + count);
        System.arraycopy(from, offset, ids, size, count);
        size += count;
    }

    void truncate(int length) {
        size = Math.max(0, Math.min(size, length));
    }

    int commonPrefix(int[] other) {
        int n = Math.min(size, other.length);
        int i = 0;
        while (i < n && ids[i] == other[i]) {
            i++;
        }
        return i;
    }

    private void grow(int needed) {
        if (needed > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(needed, ids.length * 2));
        }
    }
}

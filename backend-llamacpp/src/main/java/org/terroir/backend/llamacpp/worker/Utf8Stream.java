package org.terroir.backend.llamacpp.worker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Token pieces may end inside a UTF-8 character: bytes are held until the character is whole. */
final class Utf8Stream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    String accept(byte[] bytes, int length) {
        pending.write(bytes, 0, length);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** What is left at the end (an unfinished character shows as U+FFFD). */
    String flush() {
        String rest = pending.size() == 0 ? "" : pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Bytes that form whole characters: a trailing unfinished sequence (at most 3 bytes) is left out. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int lead = b[n - back] & 0xFF;
            if ((lead & 0xC0) == 0x80) {
                continue; // continuation byte: look further back
            }
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}

package org.terroir.backend.llamacpp.worker.capi;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * {@code struct llama_batch} (56 bytes) over memory this class owns, allocated once for {@code capacity} tokens and
 * refilled for every decode: building a batch per token through JNA would cost more than the token's own calls.
 * Every token gets exactly one sequence id.
 */
@Structure.FieldOrder({"n_tokens", "token", "embd", "pos", "n_seq_id", "seq_id", "logits"})
public class Batch extends Structure {
    public int n_tokens;
    public Pointer token;
    public Pointer embd;
    public Pointer pos;
    public Pointer n_seq_id;
    public Pointer seq_id;
    public Pointer logits;

    public static class ByValue extends Batch implements Structure.ByValue {
        private Memory tokens;
        private Memory positions;
        private Memory seqCounts;
        private Memory seqIds;
        private Memory seqPointers;
        private Memory outputs;
        private int capacity;

        public ByValue() {
        }

        /** A batch for up to {@code capacity} tokens. */
        public static ByValue allocate(int capacity) {
            ByValue b = new ByValue();
            b.capacity = capacity;
            b.tokens = new Memory(4L * capacity);
            b.positions = new Memory(4L * capacity);
            b.seqCounts = new Memory(4L * capacity);
            b.seqIds = new Memory(4L * capacity);
            b.seqPointers = new Memory((long) Native.POINTER_SIZE * capacity);
            b.outputs = new Memory(capacity);
            for (int i = 0; i < capacity; i++) {
                b.seqCounts.setInt(4L * i, 1);
                b.seqPointers.setPointer((long) Native.POINTER_SIZE * i, b.seqIds.share(4L * i));
            }
            b.token = b.tokens;
            b.pos = b.positions;
            b.n_seq_id = b.seqCounts;
            b.seq_id = b.seqPointers;
            b.logits = b.outputs;
            b.embd = null;
            return b;
        }

        public int capacity() {
            return capacity;
        }

        public void clear() {
            n_tokens = 0;
        }

        /** Adds a token; returns its index in the batch (the index its logits are read at). */
        public int add(int tokenId, int position, int sequence, boolean output) {
            if (n_tokens >= capacity) {
                throw new IllegalStateException("batch full: " + capacity);
            }
            int i = n_tokens++;
            tokens.setInt(4L * i, tokenId);
            positions.setInt(4L * i, position);
            seqIds.setInt(4L * i, sequence);
            outputs.setByte(i, (byte) (output ? 1 : 0));
            return i;
        }

        public int size() {
            return n_tokens;
        }
    }
}

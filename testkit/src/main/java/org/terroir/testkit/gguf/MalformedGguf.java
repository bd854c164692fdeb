package org.terroir.testkit.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Broken GGUF files for the tests of validation: each starts as a good {@link TinyLlama} file and gets exactly one
 * defect, at a known byte offset.
 */
public final class MalformedGguf {
    /** A count no real file has (2^40), yet small enough not to overflow when multiplied by an entry size. */
    public static final long ABSURD = 1L << 40;
    /** The tensor whose table entry the offset and type defects damage. */
    public static final String DAMAGED_TENSOR = "blk.1.ffn_up.weight";

    public enum Defect {
        /** The file stops halfway through the data of its last tensor. */
        TRUNCATED,
        /** The first four bytes are "JUNK" instead of "GGUF". */
        WRONG_MAGIC,
        /** Version field 1 (GGUF v1 had 32-bit counts and is not read by llama.cpp any more). */
        VERSION_1,
        /** Tensor count {@link #ABSURD}. */
        ABSURD_TENSOR_COUNT,
        /** Metadata count {@link #ABSURD}. */
        ABSURD_METADATA_COUNT,
        /** The first metadata key claims to be {@link #ABSURD} bytes long. */
        ABSURD_STRING_LENGTH,
        /** The first metadata value has type id 99. */
        UNKNOWN_METADATA_TYPE,
        /** {@link #DAMAGED_TENSOR}'s data offset lies past the end of the file. */
        TENSOR_OFFSET_PAST_END,
        /** {@link #DAMAGED_TENSOR}'s data offset is not a multiple of the alignment. */
        MISALIGNED_TENSOR_OFFSET,
        /** {@link #DAMAGED_TENSOR} has tensor type id 99. */
        UNKNOWN_TENSOR_TYPE,
        /** The last token of the vocabulary repeats "▁the" (llama.cpp aborts on duplicate token strings). */
        DUPLICATE_TOKENS
    }

    /**
     * A broken file.
     *
     * @param position the byte offset of the defect (for TRUNCATED: the file size; for DUPLICATE_TOKENS: the start of
     *                 the tokenizer.ggml.tokens entry)
     * @param subject  what it concerns: the tensor, metadata key or token, or "" for the header
     */
    public record Malformed(Path file, Defect defect, long position, String subject) {
    }

    private MalformedGguf() {
    }

    /** {@code defect} applied to a {@link TinyLlama#unitTest()} model in Q8_0. */
    public static Malformed write(Defect defect, Path file) {
        return write(defect, TinyLlama.unitTest().weightType(TensorType.Q8_0).build(), file);
    }

    /** {@code defect} applied to {@code model} (which must have at least 2 layers). */
    public static Malformed write(Defect defect, TinyLlama model, Path file) {
        try {
            if (defect == Defect.DUPLICATE_TOKENS) {
                return duplicateTokens(model, file);
            }
            GgufLayout layout = model.toWriter().write(file);
            GgufLayout.TensorPlacement damaged = layout.tensor(DAMAGED_TENSOR)
                    .orElseThrow(() -> new IllegalArgumentException("model has no " + DAMAGED_TENSOR));
            String firstKey = layout.keyPositions().keySet().iterator().next();
            long firstKeyPosition = layout.keyPositions().get(firstKey);
            switch (defect) {
                case TRUNCATED: {
                    GgufLayout.TensorPlacement last = layout.tensors().get(layout.tensors().size() - 1);
                    long size = last.dataPosition() + last.sizeBytes() / 2;
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(size);
                    }
                    return new Malformed(file, defect, size, last.name());
                }
                case WRONG_MAGIC:
                    patch(file, 0, "JUNK".getBytes(StandardCharsets.US_ASCII));
                    return new Malformed(file, defect, 0, "");
                case VERSION_1:
                    patch(file, GgufLayout.VERSION_POSITION, le(4, 1));
                    return new Malformed(file, defect, GgufLayout.VERSION_POSITION, "");
                case ABSURD_TENSOR_COUNT:
                    patch(file, GgufLayout.TENSOR_COUNT_POSITION, le(8, ABSURD));
                    return new Malformed(file, defect, GgufLayout.TENSOR_COUNT_POSITION, "");
                case ABSURD_METADATA_COUNT:
                    patch(file, GgufLayout.METADATA_COUNT_POSITION, le(8, ABSURD));
                    return new Malformed(file, defect, GgufLayout.METADATA_COUNT_POSITION, "");
                case ABSURD_STRING_LENGTH:
                    patch(file, firstKeyPosition, le(8, ABSURD));
                    return new Malformed(file, defect, firstKeyPosition, firstKey);
                case UNKNOWN_METADATA_TYPE: {
                    long typePosition = firstKeyPosition + 8 + firstKey.getBytes(StandardCharsets.UTF_8).length;
                    patch(file, typePosition, le(4, 99));
                    return new Malformed(file, defect, typePosition, firstKey);
                }
                case TENSOR_OFFSET_PAST_END: {
                    long relative = (layout.fileSize() - layout.dataOffset() + layout.alignment())
                            / layout.alignment() * layout.alignment();
                    patch(file, damaged.offsetFieldPosition(), le(8, relative));
                    return new Malformed(file, defect, damaged.offsetFieldPosition(), damaged.name());
                }
                case MISALIGNED_TENSOR_OFFSET: {
                    long relative = damaged.dataPosition() - layout.dataOffset() + 1;
                    patch(file, damaged.offsetFieldPosition(), le(8, relative));
                    return new Malformed(file, defect, damaged.offsetFieldPosition(), damaged.name());
                }
                case UNKNOWN_TENSOR_TYPE:
                    patch(file, damaged.offsetFieldPosition() - 4, le(4, 99));
                    return new Malformed(file, defect, damaged.offsetFieldPosition() - 4, damaged.name());
                default:
                    throw new AssertionError(defect);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Malformed duplicateTokens(TinyLlama model, Path file) throws IOException {
        GgufWriter writer = model.toWriter();
        List<Object> tokens = new ArrayList<>(((GgufArray) writer.value("tokenizer.ggml.tokens").orElseThrow()).values());
        String duplicate = TinyVocabulary.SPACE + "the";
        if (!tokens.contains(duplicate)) {
            throw new IllegalArgumentException("vocabulary has no " + duplicate);
        }
        tokens.set(tokens.size() - 1, duplicate);
        writer.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens);
        GgufLayout layout = writer.write(file);
        return new Malformed(file, Defect.DUPLICATE_TOKENS, layout.keyPositions().get("tokenizer.ggml.tokens"),
                duplicate);
    }

    private static byte[] le(int bytes, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        byte[] out = new byte[bytes];
        System.arraycopy(b.array(), 0, out, 0, bytes);
        return out;
    }

    private static void patch(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b, position + b.position());
            }
        }
    }
}

package org.terroir.gguf.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.terroir.gguf.TensorInfo;
import org.terroir.gguf.internal.Messages.Size;

/**
 * Places the tensors in the data section and checks that each lies inside the file, that none overlaps
 * another, and that they follow each other in table order as llama.cpp requires ("tensor has offset X,
 * expected Y").
 */
final class TensorLayout {
    private final Parser parser;
    private final long fileSize;
    private final long dataOffset;
    private final int alignment;

    /**
     * A tensor as its table gives it (offset relative to the data section), and the file offset where that
     * offset is written: the byte to point at when the offset is wrong.
     */
    record Entry(TensorInfo info, long offsetField) {
    }

    TensorLayout(Parser parser, long fileSize, long dataOffset, int alignment) {
        this.parser = parser;
        this.fileSize = fileSize;
        this.dataOffset = dataOffset;
        this.alignment = alignment;
    }

    /** The tensors with absolute offsets, after the checks. Offsets given are relative to the data section. */
    List<TensorInfo> place(List<Entry> relative) {
        List<TensorInfo> placed = new ArrayList<>(relative.size());
        for (Entry entry : relative) {
            TensorInfo t = entry.info();
            long start = dataOffset + t.offset();
            long end = start + t.sizeBytes();
            if (start < 0 || end < 0 || end > fileSize) {
                throw parser.fail("gguf.truncated", "truncated.tensor", t.name(),
                        new Size(end < 0 ? Long.MAX_VALUE : end), end < 0 ? Long.toUnsignedString(end) : end,
                        new Size(fileSize), fileSize, entry.offsetField());
            }
            placed.add(new TensorInfo(t.name(), t.dims(), t.type(), start, t.sizeBytes()));
        }
        checkOverlaps(placed);
        checkOrder(relative);
        return placed;
    }

    private void checkOverlaps(List<TensorInfo> placed) {
        List<TensorInfo> byOffset = new ArrayList<>(placed);
        byOffset.sort(Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo before = byOffset.get(i - 1);
            TensorInfo t = byOffset.get(i);
            if (t.offset() < before.end()) {
                throw parser.fail("gguf.tensor", "tensor.overlap", t.name(), t.offset(), before.name(),
                        before.offset(), before.end());
            }
        }
    }

    private void checkOrder(List<Entry> relative) {
        long expected = 0;
        for (Entry entry : relative) {
            TensorInfo t = entry.info();
            if (t.offset() != expected) {
                throw parser.fail("gguf.tensor", "tensor.gap", t.name(), t.offset(), expected,
                        entry.offsetField());
            }
            expected += Parser.pad(t.sizeBytes(), alignment);
        }
    }
}

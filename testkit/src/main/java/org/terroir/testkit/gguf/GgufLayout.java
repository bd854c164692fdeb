package org.terroir.testkit.gguf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where things landed in a written GGUF file: enough to patch a good file into a precisely broken one, or to
 * check that a reader reports the right byte offsets. All positions are absolute file offsets.
 *
 * @param file         the file written
 * @param fileSize     its size in bytes
 * @param dataOffset   where the tensor data section starts (aligned)
 * @param alignment    the alignment of the data section and of every tensor in it
 * @param keyPositions for each metadata key, where its entry (the key's length prefix) starts
 * @param tensors      the tensors, in file order
 */
public record GgufLayout(Path file, long fileSize, long dataOffset, int alignment, Map<String, Long> keyPositions,
                         List<TensorPlacement> tensors) {

    /** Offset of the u64 tensor count in the header. */
    public static final long TENSOR_COUNT_POSITION = 8;
    /** Offset of the u64 metadata count in the header. */
    public static final long METADATA_COUNT_POSITION = 16;
    /** Offset of the u32 version in the header. */
    public static final long VERSION_POSITION = 4;

    public GgufLayout {
        keyPositions = Map.copyOf(keyPositions);
        tensors = List.copyOf(tensors);
    }

    public Optional<TensorPlacement> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * One tensor of the file.
     *
     * @param infoPosition        where its entry in the tensor table starts (the name's length prefix)
     * @param offsetFieldPosition where the u64 offset of its data (relative to the data section) is stored
     * @param dataPosition        where its data starts
     * @param sizeBytes           how many bytes its data takes
     */
    public record TensorPlacement(String name, TensorType type, List<Long> dims, long infoPosition,
                                  long offsetFieldPosition, long dataPosition, long sizeBytes) {
        public TensorPlacement {
            dims = List.copyOf(dims);
        }

        public long end() {
            return dataPosition + sizeBytes;
        }
    }
}
